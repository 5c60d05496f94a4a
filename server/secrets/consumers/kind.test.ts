import { describe, expect, it } from "vitest";
import { validateTarget } from "../../targets/commands";

const consumer = (config: Record<string, unknown>) => validateTarget({ kind: "secret-consumer", name: "svc", config });

describe("secret-consumer targets", () => {
  it("accepts each kind of sink, with defaults filled in", () => {
    expect(
      consumer({ secret: "api-key", sink: { type: "env-file", path: "/etc/svc/env", variable: "API_KEY" } }),
    ).toMatchObject({ ok: true });
    expect(
      consumer({
        secret: "api-key",
        sink: { type: "http", url: "https://svc.example.com/keys", deliver: { in: "body", field: "key" } },
        probe: { url: "https://svc.example.com/healthz" },
      }),
    ).toEqual({
      ok: true,
      config: {
        secret: "api-key",
        sink: {
          type: "http",
          url: "https://svc.example.com/keys",
          method: "PUT",
          deliver: { in: "body", field: "key" },
          allowPrivateNetwork: false,
          timeoutMs: 10_000,
        },
        probe: {
          url: "https://svc.example.com/healthz",
          method: "GET",
          header: "Authorization",
          scheme: "Bearer",
          allowPrivateNetwork: false,
          timeoutMs: 5_000,
        },
      },
    });
    expect(
      consumer({ secret: "api-key", sink: { type: "command", command: { executable: "/usr/local/bin/install-key" } } }),
    ).toMatchObject({ ok: true, config: { sink: { variable: "KEEL_SECRET_VALUE" } } });
  });

  it("names the field that is wrong", () => {
    expect(
      consumer({ secret: "API KEY", sink: { type: "env-file", path: "relative/.env", variable: "1BAD" } }),
    ).toEqual({
      ok: false,
      fields: {
        "config.secret": expect.any(String),
        "config.sink.path": "use an absolute path",
        "config.sink.variable": expect.stringContaining("letters, digits and _"),
      },
    });
    expect(
      consumer({
        secret: "api-key",
        sink: {
          type: "http",
          url: "https://user:pw@svc.example.com/keys",
          deliver: { in: "header", name: "X-Api-Key" },
        },
      }),
    ).toEqual({ ok: false, fields: { "config.sink.url": "credentials in URLs are not allowed" } });
    expect(consumer({ secret: "api-key", sink: { type: "command", command: { executable: "install-key" } } })).toEqual({
      ok: false,
      fields: { "config.sink.command.executable": "use an absolute path to the executable" },
    });
    expect(consumer({ secret: "api-key", sink: { type: "ftp" } })).toMatchObject({
      ok: false,
      fields: { "config.sink.type": expect.any(String) },
    });
  });
});

import { describe, expect, it } from "vitest";
import { validateTarget } from "../targets/commands";

const file = { type: "file", path: "/etc/nginx/keel-allowlist.conf" };
const api = {
  type: "http",
  baseUrl: "https://waf.example.com/v1/",
  allowedHosts: ["waf.example.com"],
  secretHeader: { name: "X-Api-Key", secret: "waf-api-key" },
};

describe("the allowlist target kind", () => {
  it("accepts a file sink and an http sink, with defaults filled in", () => {
    const checked = validateTarget({
      kind: "allowlist",
      name: "edge",
      config: {
        sinks: [
          { ...file, trailer: ["deny all;"], reload: { executable: "/usr/sbin/nginx", args: ["-s", "reload"] } },
          api,
        ],
      },
    });
    expect(checked).toEqual({
      ok: true,
      config: {
        sinks: [
          {
            ...file,
            trailer: ["deny all;"],
            reload: { executable: "/usr/sbin/nginx", args: ["-s", "reload"], timeoutSeconds: 60 },
          },
          { ...api, baseUrl: "https://waf.example.com/v1", allowPrivateNetwork: false, timeoutMs: 10_000 },
        ],
      },
    });
  });

  it("names each bad field", () => {
    const checked = validateTarget({
      kind: "allowlist",
      name: "edge",
      config: {
        sinks: [
          {
            type: "file",
            path: "relative/allow.conf",
            trailer: ["deny all; }\nserver {"],
            reload: { executable: "nginx -s reload" },
          },
          { type: "http", baseUrl: "ftp://waf", allowedHosts: [] },
        ],
      },
    });
    expect(checked.ok).toBe(false);
    const fields = checked.ok ? {} : checked.fields;
    expect(Object.keys(fields).sort()).toEqual([
      "config.sinks.0.path",
      "config.sinks.0.reload.executable",
      "config.sinks.0.trailer.0",
      "config.sinks.1.allowedHosts",
      "config.sinks.1.baseUrl",
    ]);
    expect(validateTarget({ kind: "allowlist", name: "edge", config: { sinks: [] } })).toEqual({
      ok: false,
      fields: { "config.sinks": "an allowlist needs at least one sink" },
    });
  });
});

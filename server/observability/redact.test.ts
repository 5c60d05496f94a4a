import { describe, expect, it } from "vitest";
import { REDACTED, redactSensitive } from "./redact";

describe("redactSensitive", () => {
  it("replaces secret-looking fields at any depth and keeps the rest", () => {
    const out = redactSensitive({
      user: "ana",
      password: "hunter2hunter2",
      headers: { authorization: "Bearer abc", cookie: "a=b", accept: "json" },
      nested: [{ apiKey: "k", token: "t", clientSecret: "s", note: "ok" }],
    });
    expect(out).toEqual({
      user: "ana",
      password: REDACTED,
      headers: { authorization: REDACTED, cookie: REDACTED, accept: "json" },
      nested: [{ apiKey: REDACTED, token: REDACTED, clientSecret: REDACTED, note: "ok" }],
    });
  });

  it("survives cycles", () => {
    const a: Record<string, unknown> = { name: "a" };
    a.self = a;
    expect(redactSensitive(a)).toEqual({ name: "a", self: "[circular]" });
  });
});

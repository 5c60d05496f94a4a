import { describe, expect, it } from "vitest";
import { securityHeaders } from "./security-headers";

describe("securityHeaders", () => {
  const production = securityHeaders({ nonce: "abc123", development: false, production: true, https: true });

  it("allows scripts only with the request's nonce", () => {
    const csp = production["Content-Security-Policy"]!;
    expect(csp).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("upgrade-insecure-requests");
  });

  it("sets the other policies, and HSTS only in production", () => {
    expect(production["X-Content-Type-Options"]).toBe("nosniff");
    expect(production["Referrer-Policy"]).toBe("strict-origin-when-cross-origin");
    expect(production["Permissions-Policy"]).toContain("camera=()");
    expect(production["Strict-Transport-Security"]).toContain("max-age=");
    const dev = securityHeaders({ nonce: "n", development: true, production: false, https: false });
    expect(dev["Strict-Transport-Security"]).toBeUndefined();
    expect(dev["Content-Security-Policy"]).not.toContain("upgrade-insecure-requests");
  });
});

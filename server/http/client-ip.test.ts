import { describe, expect, it } from "vitest";
import { clientIpOf, parseTrustedProxies } from "./client-ip";

describe("clientIpOf", () => {
  const proxies = parseTrustedProxies("10.0.0.0/8, 127.0.0.1");

  it("uses the socket address when the peer is not a trusted proxy, whatever X-Forwarded-For says", () => {
    expect(clientIpOf("198.51.100.4", "1.2.3.4", proxies)).toBe("198.51.100.4");
    expect(clientIpOf("198.51.100.4", "1.2.3.4", [])).toBe("198.51.100.4");
  });

  it("walks X-Forwarded-For from the right past trusted proxies", () => {
    expect(clientIpOf("10.0.0.2", "6.6.6.6, 203.0.113.9, 10.0.0.5", proxies)).toBe("203.0.113.9");
  });

  it("normalises IPv4-mapped IPv6 peers", () => {
    expect(clientIpOf("::ffff:198.51.100.4", undefined, [])).toBe("198.51.100.4");
    expect(clientIpOf("::ffff:127.0.0.1", "203.0.113.9", proxies)).toBe("203.0.113.9");
  });

  it("ignores garbage hops", () => {
    expect(clientIpOf("127.0.0.1", "not-an-ip, 203.0.113.9", proxies)).toBe("203.0.113.9");
    expect(clientIpOf(undefined, "203.0.113.9", proxies)).toBe("unknown");
  });
});

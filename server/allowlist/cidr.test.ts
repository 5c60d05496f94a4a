import { describe, expect, it } from "vitest";
import { covers, describeSize, isBroad, normaliseCidr, type NormalisedCidr } from "./cidr";

const n = (value: string): NormalisedCidr => {
  const parsed = normaliseCidr(value);
  if (!parsed) throw new Error(`${value} did not parse`);
  return parsed;
};

describe("normaliseCidr", () => {
  it.each([
    ["203.0.113.7", "203.0.113.7/32"],
    [" 203.0.113.7/24 ", "203.0.113.0/24"],
    ["10.1.2.3/16", "10.1.0.0/16"],
    ["0.0.0.0/0", "0.0.0.0/0"],
    ["2001:DB8:0:0:0:0:0:1", "2001:db8::1/128"],
    ["2001:db8:abcd:12ff::/48", "2001:db8:abcd::/48"],
    ["::ffff:203.0.113.7", "203.0.113.7/32"],
    ["::ffff:203.0.113.9/120", "203.0.113.0/24"],
    ["::ffff:cb00:7107", "203.0.113.7/32"],
    ["::1", "::1/128"],
  ])("%s becomes %s", (input, expected) => {
    expect(normaliseCidr(input)?.cidr).toBe(expected);
  });

  it("keeps an IPv4-mapped range broader than the IPv4 space as IPv6", () => {
    expect(normaliseCidr("::ffff:0:0/95")).toMatchObject({ family: "ipv6", prefixLength: 95 });
  });

  it.each([
    "",
    "not an ip",
    "203.0.113.300",
    "203.0.113.0/33",
    "2001:db8::/129",
    "203.0.113.0/",
    "1.2.3",
    "203.0.113.0/24/1",
  ])("refuses %j", (input) => {
    expect(normaliseCidr(input)).toBeNull();
  });
});

describe("covers", () => {
  it("holds for a range containing a narrower one or itself", () => {
    expect(covers(n("203.0.113.0/24"), n("203.0.113.7"))).toBe(true);
    expect(covers(n("203.0.113.0/24"), n("203.0.113.128/25"))).toBe(true);
    expect(covers(n("203.0.113.0/24"), n("203.0.113.0/24"))).toBe(true);
    expect(covers(n("2001:db8::/32"), n("2001:db8:1::/48"))).toBe(true);
  });

  it("does not hold for a broader, disjoint or other-family range", () => {
    expect(covers(n("203.0.113.0/25"), n("203.0.113.0/24"))).toBe(false);
    expect(covers(n("203.0.113.0/24"), n("198.51.100.1"))).toBe(false);
    expect(covers(n("0.0.0.0/0"), n("2001:db8::1"))).toBe(false);
    expect(covers(n("::/0"), n("203.0.113.1"))).toBe(false);
  });

  it("treats an IPv4-mapped address as the IPv4 it is", () => {
    expect(covers(n("203.0.113.0/24"), n("::ffff:203.0.113.7"))).toBe(true);
  });
});

describe("isBroad", () => {
  it.each([
    ["10.0.0.0/15", true],
    ["10.0.0.0/16", false],
    ["203.0.113.7", false],
    ["0.0.0.0/0", true],
    ["2001:db8::/47", true],
    ["2001:db8::/48", false],
    ["2001:db8::1", false],
  ])("%s: %s", (input, broad) => {
    expect(isBroad(n(input))).toBe(broad);
  });
});

describe("describeSize", () => {
  it("counts addresses", () => {
    expect(describeSize(n("203.0.113.7"))).toBe("1 address");
    expect(describeSize(n("10.0.0.0/16"))).toBe("65,536 addresses");
    expect(describeSize(n("2001:db8::/48"))).toBe("2^80 addresses");
  });
});

import ipaddr from "ipaddr.js";

/** A range in canonical form: network address (host bits cleared) and prefix length. */
export type NormalisedCidr = { cidr: string; family: "ipv4" | "ipv6"; address: string; prefixLength: number };

/** Ranges broader than these need a lead's approval (issue "The four runbooks"). */
export const BROAD_PREFIX = { ipv4: 16, ipv6: 48 } as const;

/**
 * Parses an address or CIDR range and normalises it: a single address becomes /32 or /128, host
 * bits are cleared, IPv6 is written in its short form, and an IPv4-mapped IPv6 address or range
 * (::ffff:203.0.113.7, ::ffff:203.0.113.0/120) becomes the IPv4 it stands for, because that is
 * the address nginx and the rate limiter see. Null when it is not an address or range.
 */
export function normaliseCidr(raw: string): NormalisedCidr | null {
  const value = raw.trim();
  if (value === "") return null;
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  let prefixLength: number;
  const [addressText = "", ...rest] = value.split("/");
  // ipaddr.js also accepts legacy IPv4 forms ("1.2.3", "0x7f.1"); nginx and people mean four decimal parts.
  if (rest.length > 1 || (ipaddr.IPv4.isValid(addressText) && !ipaddr.IPv4.isValidFourPartDecimal(addressText)))
    return null;
  if (rest.length === 1) {
    if (!/^\d{1,3}$/.test(rest[0]!) || !ipaddr.isValidCIDR(value)) return null;
    [address, prefixLength] = ipaddr.parseCIDR(value);
  } else {
    if (!ipaddr.isValid(value)) return null;
    address = ipaddr.parse(value);
    prefixLength = address.kind() === "ipv4" ? 32 : 128;
  }
  if (address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress() && prefixLength >= 96) {
    address = (address as ipaddr.IPv6).toIPv4Address();
    prefixLength -= 96;
  }
  const network = networkAddress(address, prefixLength);
  const family = network.kind();
  return { cidr: `${network.toString()}/${prefixLength}`, family, address: network.toString(), prefixLength };
}

function networkAddress(address: ipaddr.IPv4 | ipaddr.IPv6, prefixLength: number): ipaddr.IPv4 | ipaddr.IPv6 {
  const bytes = address.toByteArray();
  for (let bit = prefixLength; bit < bytes.length * 8; bit++) bytes[bit >> 3]! &= ~(0x80 >> (bit & 7));
  return ipaddr.fromByteArray(bytes);
}

/** True when `outer` contains every address of `inner` (same family, outer at most as long a prefix). */
export function covers(outer: NormalisedCidr, inner: NormalisedCidr): boolean {
  if (outer.family !== inner.family || outer.prefixLength > inner.prefixLength) return false;
  return ipaddr.parse(inner.address).match(ipaddr.parse(outer.address), outer.prefixLength);
}

/** An IPv4 range shorter than /16 or an IPv6 range shorter than /48. */
export function isBroad(range: NormalisedCidr): boolean {
  return range.prefixLength < BROAD_PREFIX[range.family];
}

/** How many addresses a range holds, for people ("65,536 addresses"); IPv6 as a power of two. */
export function describeSize(range: NormalisedCidr): string {
  const hostBits = (range.family === "ipv4" ? 32 : 128) - range.prefixLength;
  if (hostBits === 0) return "1 address";
  if (hostBits <= 32) return `${(2 ** hostBits).toLocaleString("en-US")} addresses`;
  return `2^${hostBits} addresses`;
}

import ipaddr from "ipaddr.js";

export type TrustedProxies = ReadonlyArray<[ipaddr.IPv4 | ipaddr.IPv6, number]>;

/** Parses TRUSTED_PROXIES: a comma-separated list of addresses or CIDR ranges. */
export function parseTrustedProxies(value: string | undefined): TrustedProxies {
  if (!value?.trim()) return [];
  return value
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      if (entry.includes("/")) return ipaddr.parseCIDR(entry);
      const address = ipaddr.process(entry);
      return [address, address.kind() === "ipv4" ? 32 : 128] as [ipaddr.IPv4 | ipaddr.IPv6, number];
    });
}

/** An address in canonical form, with IPv4-mapped IPv6 (::ffff:1.2.3.4) turned into IPv4. */
export function normalizeIp(value: string): string | null {
  const trimmed = value.trim();
  if (!ipaddr.isValid(trimmed)) return null;
  return ipaddr.process(trimmed).toString();
}

function isTrusted(address: string, trusted: TrustedProxies): boolean {
  const parsed = ipaddr.process(address);
  return trusted.some(([range, bits]) => parsed.kind() === range.kind() && parsed.match(range, bits));
}

/**
 * The client's address. X-Forwarded-For is believed only as far as it was written by trusted
 * proxies: walking from the socket's peer leftwards, the first untrusted hop is the client.
 */
export function clientIpOf(
  peerAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trusted: TrustedProxies,
): string {
  const peer = peerAddress ? normalizeIp(peerAddress) : null;
  if (!peer) return "unknown";
  if (!isTrusted(peer, trusted)) return peer;
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? "");
  const hops = header
    .split(",")
    .map((hop) => normalizeIp(hop))
    .filter((hop): hop is string => hop !== null);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (!isTrusted(hop, trusted)) return hop;
  }
  return hops[0] ?? peer;
}

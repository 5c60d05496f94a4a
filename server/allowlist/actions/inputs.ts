import { z } from "zod";
import { formatDuration, parseDuration } from "@/lib/runbooks/duration";

export const MAX_EXPIRY_SECONDS = 30 * 86_400;
export const DEFAULT_EXPIRY = "24h";

export const allowlistName = z.string().trim().min(1, "choose an allowlist");
export const cidrText = z.string().trim().min(1, "enter an IPv4 or IPv6 address or CIDR range");
export const reasonText = z.string().trim().min(3, "say why, in a few words").max(500, "use at most 500 characters");

/** "24h", "7d", "1d12h": at least a minute, at most 30 days. */
export const expiresIn = z
  .string()
  .trim()
  .default(DEFAULT_EXPIRY)
  .refine((v) => parseDuration(v) !== null, "use a duration such as 30m, 24h or 7d")
  .refine((v) => (parseDuration(v) ?? 0) >= 60, "use at least 1m")
  .refine((v) => (parseDuration(v) ?? 0) <= MAX_EXPIRY_SECONDS, `use at most ${formatDuration(MAX_EXPIRY_SECONDS)}`);

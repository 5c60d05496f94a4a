import { isSensitiveKey } from "../observability/redact";
import { fingerprintSecret, isFingerprint } from "./fingerprint";

/**
 * Makes event metadata safe to store: any value under a secret-looking key becomes a fingerprint
 * (strings) or "[redacted]", and the result is plain JSON (what jsonb will give back, so the
 * hash computed now still matches when the row is read).
 */
export function sanitizeAuditMeta(meta: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(scrub(meta, 0))) as Record<string, unknown>;
}

function scrub(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== "object") return value;
  if (depth > 10) return "[too deep]";
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  if (value instanceof Date) return value.toISOString();
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (isSensitiveKey(key) && !isFingerprint(item) && !key.endsWith("Fingerprint")) {
      out[key] = typeof item === "string" ? fingerprintSecret(item) : item === null ? null : "[redacted]";
    } else {
      out[key] = scrub(item, depth + 1);
    }
  }
  return out;
}

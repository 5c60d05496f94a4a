import { describeDatabaseError, scrubQueryText } from "./query-error-text";

/**
 * Keys whose values never leave the process in a log line: passwords, tokens, secrets, keys,
 * cookies and authorization headers, at any depth (seed 003 §1 "PII redaction & safe logging").
 */
const SENSITIVE_KEY =
  /pass(word|phrase|wd)?|secret|token|authorization|cookie|api[-_]?key|private[-_]?key|credential|encryption[-_]?key|hmac[-_]?key/i;

export const REDACTED = "[redacted]";

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

/**
 * A copy of `value` with every sensitive key's value replaced, and database errors (or text
 * holding a failed query) reduced to what query-error-text allows. Cycles and depth are bounded.
 */
export function redactSensitive(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === "string") return scrubQueryText(value);
  if (value === null || typeof value !== "object") return value;
  if (depth > 8) return "[too deep]";
  if (seen.has(value)) return "[circular]";
  seen.add(value);
  if (value instanceof Error) {
    return describeDatabaseError(value) ?? { type: value.name, message: value.message, stack: value.stack };
  }
  if (Array.isArray(value)) return value.map((item) => redactSensitive(item, depth + 1, seen));
  if (value instanceof Date) return value.toISOString();
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = isSensitiveKey(key) ? REDACTED : redactSensitive(item, depth + 1, seen);
  }
  return out;
}

import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { AppError } from "../errors";

/**
 * Checks a scrape's `Authorization: Bearer <token>` against KEEL_METRICS_TOKEN. Metrics say how
 * busy and how healthy Keel is, which is worth knowing to an attacker too, so they are off until
 * a token is configured.
 */
export function assertMetricsToken(configured: string | undefined, authorization: string | null): void {
  if (!configured) throw new AppError("NOT_FOUND", "Metrics are off: set KEEL_METRICS_TOKEN to turn them on.");
  const presented = /^Bearer (.+)$/i.exec(authorization ?? "")?.[1]?.trim();
  if (!presented || !sameSecret(presented, configured)) {
    throw new AppError("UNAUTHORIZED", "Send the metrics token as Authorization: Bearer <token>.");
  }
}

/** Constant-time comparison of two strings of any length (compares their digests). */
function sameSecret(a: string, b: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
}

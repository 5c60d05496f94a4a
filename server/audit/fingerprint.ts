import { createHmac } from "node:crypto";
import { getEnv } from "../config/env";

const PREFIX = "hmac-sha256:";

/**
 * A keyed fingerprint of a secret value: the same value always gives the same fingerprint, so it
 * can be recognised in the record, but it cannot be reversed without the server's key.
 */
export function fingerprintSecret(value: string, key: string = getEnv().AUDIT_HMAC_KEY): string {
  return PREFIX + createHmac("sha256", key).update(value, "utf8").digest("hex").slice(0, 32);
}

export function isFingerprint(value: unknown): boolean {
  return typeof value === "string" && value.startsWith(PREFIX);
}

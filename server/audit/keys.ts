import { getEnv } from "../config/env";
import { createSigner, type AuditSigner } from "./signing";

let cached: { seed: string; trusted: string; signer: AuditSigner } | undefined;

/** This process's audit signer, from AUDIT_SIGNING_KEY and AUDIT_TRUSTED_KEYS. */
export function auditSigner(): AuditSigner {
  const { AUDIT_SIGNING_KEY: seed, AUDIT_TRUSTED_KEYS: trusted } = getEnv();
  if (cached?.seed !== seed || cached.trusted !== trusted)
    cached = { seed, trusted, signer: createSigner(seed, trusted) };
  return cached.signer;
}

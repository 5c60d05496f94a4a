import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import {
  createSigner,
  createVerifier,
  parsePublicKey,
  splitTrustedKeys,
  type AuditSigner,
  type AuditVerifier,
} from "./signing";

/**
 * The audit signer for command-line tools: AUDIT_SIGNING_KEY from the environment, else the
 * key a local install generated in <KEEL_DATA_DIR>/local-secrets.json; null when neither exists.
 */
export function signerForCli(env: NodeJS.ProcessEnv = process.env): AuditSigner | null {
  const trusted = env.AUDIT_TRUSTED_KEYS ?? "";
  if (env.AUDIT_SIGNING_KEY) return createSigner(env.AUDIT_SIGNING_KEY, trusted);
  const file = path.join(path.resolve(env.KEEL_DATA_DIR ?? ".data"), "local-secrets.json");
  if (!existsSync(file)) return null;
  const seed = (JSON.parse(readFileSync(file, "utf8")) as { AUDIT_SIGNING_KEY?: string }).AUDIT_SIGNING_KEY;
  return seed ? createSigner(seed, trusted) : null;
}

/**
 * The public keys a verifying tool believes: those given with --public-key (base64, or a file
 * holding one), else this installation's own keys (signerForCli).
 */
export function verifierForCli(publicKeys: string[], env: NodeJS.ProcessEnv = process.env): AuditVerifier {
  if (publicKeys.length > 0) {
    return createVerifier(
      publicKeys.flatMap((k) => splitTrustedKeys(existsSync(k) ? readFileSync(k, "utf8") : k)).map(parsePublicKey),
    );
  }
  const signer = signerForCli(env);
  if (!signer)
    throw new Error(
      "No audit public key: pass --public-key <key> (npm run audit:public-key prints it), or set AUDIT_SIGNING_KEY.",
    );
  return signer;
}

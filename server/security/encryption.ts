import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { getEnv } from "../config/env";

const VERSION = "v1";

function key(): Buffer {
  return Buffer.from(getEnv().ENCRYPTION_KEY, "base64");
}

/**
 * AES-256-GCM with a random 96-bit nonce. `aad` binds the ciphertext to where it is stored (for
 * example "run:<id>:input:<name>"), so a value copied to another row does not decrypt.
 * Format: v1.<nonce b64>.<tag b64>.<ciphertext b64>
 */
export function encryptSecret(plaintext: string, aad: string, encryptionKey: Buffer = key()): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", encryptionKey, nonce);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [
    VERSION,
    nonce.toString("base64"),
    cipher.getAuthTag().toString("base64"),
    ciphertext.toString("base64"),
  ].join(".");
}

export function decryptSecret(sealed: string, aad: string, encryptionKey: Buffer = key()): string {
  const [version, nonce, tag, ciphertext] = sealed.split(".");
  if (version !== VERSION || !nonce || !tag || ciphertext === undefined)
    throw new Error("unrecognised ciphertext format");
  const decipher = createDecipheriv("aes-256-gcm", encryptionKey, Buffer.from(nonce, "base64"));
  decipher.setAAD(Buffer.from(aad, "utf8"));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64")), decipher.final()]).toString("utf8");
}

import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * An API token: `keel_pat.<id>.<secret>.<signature>`. The id finds the row; only the SHA-256 of
 * the secret is stored; the signature is an HMAC of the rest under keel-api-token-signing-key,
 * so rotating that key (and retiring the old value) ends every token it signed.
 */
const PREFIX = "keel_pat";
const SHAPE = /^keel_pat\.([0-9a-f]{32})\.([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/;

export type ParsedToken = { id: string; secret: string; signature: string; signedPart: string };

export function uuidToHex(id: string): string {
  return id.replace(/-/g, "");
}

function hexToUuid(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function sign(signedPart: string, key: string): string {
  return createHmac("sha256", key).update(signedPart, "utf8").digest("base64url");
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** A new token for the row `id`, signed with `key`. */
export function mintToken(id: string, key: string): { token: string; secretHash: string } {
  const secret = randomBytes(32).toString("base64url");
  const signedPart = `${PREFIX}.${uuidToHex(id)}.${secret}`;
  return { token: `${signedPart}.${sign(signedPart, key)}`, secretHash: hashSecret(secret) };
}

export function parseToken(token: string): ParsedToken | null {
  const match = SHAPE.exec(token);
  if (!match) return null;
  return {
    id: hexToUuid(match[1]!),
    secret: match[2]!,
    signature: match[3]!,
    signedPart: `${PREFIX}.${match[1]}.${match[2]}`,
  };
}

export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Whether the signature verifies under one of `keys` (the current value first, then the previous one). */
export function signatureValid(parsed: ParsedToken, keys: string[]): boolean {
  return keys.some((key) => constantTimeEqual(sign(parsed.signedPart, key), parsed.signature));
}

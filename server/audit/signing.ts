import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  sign,
  timingSafeEqual,
  verify,
  type KeyObject,
} from "node:crypto";

/**
 * Keel's audit keys. The private key is an Ed25519 seed held outside the database
 * (AUDIT_SIGNING_KEY); anyone holding only the public key can check what it signed. Each
 * signature names its key by id (the first 16 hex digits of SHA-256 of the raw public key), so a
 * new key can be introduced while rows signed by an older one still verify.
 */

/** DER prefix that turns a raw 32-byte Ed25519 seed into a PKCS#8 private key. */
const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
/** DER prefix that turns a raw 32-byte Ed25519 public key into an SPKI public key. */
const SPKI_ED25519_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

export type AuditPublicKey = { keyId: string; key: KeyObject; base64: string };

export type AuditVerifier = {
  /** The keys whose signatures are believed, by key id. */
  keys: Map<string, AuditPublicKey>;
  /** True when `signature` (base64) is a valid signature of `message` by the key `keyId`. */
  verify(keyId: string, message: string, signature: string): boolean;
};

export type AuditSigner = AuditVerifier & {
  current: AuditPublicKey;
  /** Base64 Ed25519 signature of `message` by the current key. */
  sign(message: string): string;
  /**
   * Keel's own fast check (HMAC-SHA256 under a key derived from the seed, hex): which rows Keel
   * wrote, checked by the chainer at a tiny fraction of a signature verification's cost.
   */
  mac(text: string): string;
  verifyMac(text: string, mac: string): boolean;
};

export function keyIdOf(rawPublicKey: Buffer): string {
  return createHash("sha256").update(rawPublicKey).digest("hex").slice(0, 16);
}

/** A public key from its base64 raw form (what `npm run audit:public-key` prints) or a PEM. */
export function parsePublicKey(text: string): AuditPublicKey {
  const trimmed = text.trim();
  const key = trimmed.startsWith("-----BEGIN")
    ? createPublicKey(trimmed)
    : (() => {
        const raw = Buffer.from(trimmed, "base64");
        if (raw.length !== 32) throw new Error("an audit public key is 32 bytes in base64 (or a PEM)");
        return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: "der", type: "spki" });
      })();
  if (key.asymmetricKeyType !== "ed25519") throw new Error("an audit public key must be an Ed25519 key");
  return describe(key);
}

function describe(key: KeyObject): AuditPublicKey {
  const raw = key.export({ format: "der", type: "spki" }).subarray(SPKI_ED25519_PREFIX.length);
  return { keyId: keyIdOf(raw), key, base64: raw.toString("base64") };
}

export function createVerifier(publicKeys: AuditPublicKey[]): AuditVerifier {
  const keys = new Map(publicKeys.map((k) => [k.keyId, k]));
  return {
    keys,
    verify(keyId, message, signature) {
      const entry = keys.get(keyId);
      if (!entry) return false;
      return verify(null, Buffer.from(message), entry.key, Buffer.from(signature, "base64"));
    },
  };
}

/** The signer for a base64 seed, believing also the earlier public keys in `trusted` (comma-separated). */
export function createSigner(seedBase64: string, trusted = ""): AuditSigner {
  const seed = Buffer.from(seedBase64, "base64");
  if (seed.length !== 32) throw new Error("AUDIT_SIGNING_KEY must be 32 bytes in base64");
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: "der",
    type: "pkcs8",
  });
  const current = describe(createPublicKey(privateKey));
  const verifier = createVerifier([current, ...splitTrustedKeys(trusted).map(parsePublicKey)]);
  const macKey = createHash("sha256").update("keel-audit-mac-v1\n").update(seed).digest();
  const mac = (text: string) => createHmac("sha256", macKey).update(text).digest("hex");
  return {
    ...verifier,
    current,
    sign: (message) => sign(null, Buffer.from(message), privateKey).toString("base64"),
    mac,
    verifyMac: (text, given) => {
      const expected = Buffer.from(mac(text));
      const actual = Buffer.from(given);
      return expected.length === actual.length && timingSafeEqual(expected, actual);
    },
  };
}

export function splitTrustedKeys(list: string): string[] {
  return list
    .split(",")
    .map((k) => k.trim())
    .filter(Boolean);
}

import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { canonicalJson } from "../audit/canonical-json";
import { getEnv } from "../config/env";
import { AppError } from "../errors";

/**
 * Opaque, integrity-protected page cursors for keyset pagination on `seq`. A cursor holds the
 * last sequence number shown and a digest of the view it belongs to, signed with an HMAC whose
 * key is derived from AUTH_SECRET; a changed cursor, or one taken from another view, is refused
 * naming the `cursor` field.
 */
const INVALID =
  "This page link is not valid: it was changed, or it belongs to another search. Start again from the newest events.";

type CursorPayload = { v: 1; s: number; f: string };

function cursorKey(secret: string): Buffer {
  return createHmac("sha256", secret).update("keel history cursor v1").digest();
}

function mac(payload: string, secret: string): string {
  return createHmac("sha256", cursorKey(secret)).update(payload).digest("base64url").slice(0, 32);
}

/** A short digest of the view (filters, entity) a cursor pages through. */
export function viewDigest(view: unknown): string {
  return createHash("sha256").update(canonicalJson(view)).digest("base64url").slice(0, 16);
}

export function encodeCursor(lastSeq: number, view: unknown, secret: string = getEnv().AUTH_SECRET): string {
  const payload = Buffer.from(
    JSON.stringify({ v: 1, s: lastSeq, f: viewDigest(view) } satisfies CursorPayload),
  ).toString("base64url");
  return `${payload}.${mac(payload, secret)}`;
}

/** The sequence number to continue below, or a field error naming `cursor`. */
export function decodeCursor(cursor: string, view: unknown, secret: string = getEnv().AUTH_SECRET): number {
  const [payload, signature, ...rest] = cursor.split(".");
  if (!payload || !signature || rest.length > 0) throw AppError.field("cursor", INVALID);
  const expected = Buffer.from(mac(payload, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw AppError.field("cursor", INVALID);
  let parsed: Partial<CursorPayload>;
  try {
    parsed = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Partial<CursorPayload>;
  } catch {
    throw AppError.field("cursor", INVALID);
  }
  if (
    parsed.v !== 1 ||
    typeof parsed.s !== "number" ||
    !Number.isSafeInteger(parsed.s) ||
    parsed.s < 1 ||
    parsed.f !== viewDigest(view)
  ) {
    throw AppError.field("cursor", INVALID);
  }
  return parsed.s;
}

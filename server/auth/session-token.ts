import "server-only";
import { decode } from "next-auth/jwt";
import { cookies } from "next/headers";
import { getEnv } from "../config/env";

/** next-auth's names for its session cookie (it adds the prefix when the console is served over HTTPS). */
const COOKIE_NAME = "next-auth.session-token";
const SECURE_COOKIE_NAME = "__Secure-next-auth.session-token";
const MAX_REMEMBERED = 10_000;

/**
 * What tokens seen before decrypted to. A browser sends the same cookie with every request, and
 * decrypting it is a key derivation and an AES-GCM open each time; the session id inside is then
 * checked as always (revocation lives in the database, not in the token).
 */
const remembered = new Map<string, { sid: string | null; expiresAtMs: number }>();

/**
 * The Keel session id in the request's next-auth cookie, or null. Reads the cookie as
 * getServerSession would, without what getServerSession also does on every call: encrypt a fresh
 * token and set it again (Keel's session lifetime is fixed at sign-in and kept in the database).
 */
export async function sessionIdFromCookie(): Promise<string | null> {
  const env = getEnv();
  const name = env.publicUrl.startsWith("https://") ? SECURE_COOKIE_NAME : COOKIE_NAME;
  const token = (await cookies()).get(name)?.value;
  if (!token) return null;
  const now = Date.now();
  const known = remembered.get(token);
  if (known) return known.expiresAtMs > now ? known.sid : null;
  const payload = await decode({ token, secret: env.AUTH_SECRET }).catch(() => null);
  if (!payload || typeof payload.exp !== "number") return null;
  const sid = typeof payload.sid === "string" ? payload.sid : null;
  if (remembered.size >= MAX_REMEMBERED) remembered.delete(remembered.keys().next().value!);
  remembered.set(token, { sid, expiresAtMs: payload.exp * 1000 });
  return payload.exp * 1000 > now ? sid : null;
}

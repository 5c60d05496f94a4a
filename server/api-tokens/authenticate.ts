import { eq } from "drizzle-orm";
import type { Database, Queryable } from "@/db/client";
import { apiTokens, type ApiToken, type ApiTokenScope } from "@/db/schema";
import { appendAuditEvent } from "../audit/append";
import type { Actor } from "../audit/actor";
import { fingerprintSecret } from "../audit/fingerprint";
import type { RequestInfo } from "../context";
import { AppError } from "../errors";
import { verificationKeys } from "./signing-key";
import { constantTimeEqual, hashSecret, parseToken, signatureValid } from "./token-format";

export type RefusalReason =
  "missing" | "malformed" | "unknown" | "wrong_secret" | "bad_signature" | "revoked" | "missing_scope";

export type AuthenticatedToken = { token: ApiToken; actor: Actor };

function requestMeta(request: RequestInfo) {
  return { ip: request.ip, userAgent: request.userAgent, requestId: request.requestId };
}

/** Who acts when a token is used: the token, by name (it belongs to no user). */
export function tokenActor(token: ApiToken, request: RequestInfo): Actor {
  return { userId: null, label: `api-token:${token.name}`, sessionId: null, request: requestMeta(request) };
}

async function judge(
  db: Queryable,
  presented: string | null,
  scope: ApiTokenScope,
): Promise<{ ok: true; token: ApiToken } | { ok: false; reason: RefusalReason; token?: ApiToken }> {
  if (!presented) return { ok: false, reason: "missing" };
  const parsed = parseToken(presented);
  if (!parsed) return { ok: false, reason: "malformed" };
  const [token] = await db.select().from(apiTokens).where(eq(apiTokens.id, parsed.id));
  if (!token) return { ok: false, reason: "unknown" };
  if (!constantTimeEqual(hashSecret(parsed.secret), token.secretHash))
    return { ok: false, reason: "wrong_secret", token };
  if (!signatureValid(parsed, await verificationKeys(db))) return { ok: false, reason: "bad_signature", token };
  if (token.revokedAt) return { ok: false, reason: "revoked", token };
  if (!token.scopes.includes(scope)) return { ok: false, reason: "missing_scope", token };
  return { ok: true, token };
}

/** `Authorization: Bearer <token>` → the token, or null. */
export function bearerToken(headers: Headers): string | null {
  const value = headers.get("authorization");
  const match = value ? /^Bearer\s+(\S+)\s*$/i.exec(value) : null;
  return match ? match[1]! : null;
}

/**
 * Checks a presented token for `scope`. A refusal is recorded in the audit trail (by the
 * token's fingerprint, never its value) and answered 401 (403 when only the scope is missing),
 * always with the same message, so that a caller learns nothing about which part was wrong.
 */
export async function authenticateApiToken(
  db: Database,
  headers: Headers,
  request: RequestInfo,
  scope: ApiTokenScope,
  path: string,
): Promise<AuthenticatedToken> {
  const presented = bearerToken(headers);
  const verdict = await judge(db, presented, scope);
  if (verdict.ok) return { token: verdict.token, actor: tokenActor(verdict.token, request) };
  const actor: Actor = verdict.token
    ? tokenActor(verdict.token, request)
    : { userId: null, label: "anonymous", sessionId: null, request: requestMeta(request) };
  await appendAuditEvent(db, actor, {
    eventType: "api_token.refused",
    outcome: "refused",
    entityType: "api_token",
    entityId: verdict.token?.id ?? null,
    meta: { reason: verdict.reason, scope, path, ...(presented ? { fingerprint: fingerprintSecret(presented) } : {}) },
  });
  if (verdict.reason === "missing_scope")
    throw new AppError("FORBIDDEN", `This token may not do this; it needs the ${scope} scope.`);
  throw new AppError("UNAUTHORIZED", "Send a valid API token as `Authorization: Bearer <token>`.");
}

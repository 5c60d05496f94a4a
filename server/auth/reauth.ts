import { and, eq, isNull } from "drizzle-orm";
import type { Database, Queryable } from "@/db/client";
import { sessions, users } from "@/db/schema";
import { REAUTH_REQUIRED, type ReauthenticateInput, type ReauthRequiredDetails } from "@/lib/schemas/account";
import { appendAuditEvent } from "../audit/append";
import type { Actor } from "../audit/actor";
import { getEnv } from "../config/env";
import { AppError } from "../errors";
import type { RateLimits } from "../security/rate-limits/rate-limits";
import { tooMany } from "../security/rate-limits/rate-limits";
import { signInGuard } from "../security/rate-limits/sign-in-guard";
import { spendPasswordCheckTime, verifyPassword } from "./password";

/**
 * Re-authentication for high-risk actions (OWASP ASVS 5.0 §7): a session records when its owner
 * last proved who they are (`sessions.authenticated_at`: the sign-in, or a re-authentication), and
 * a high-risk step refuses a person whose proof is older than KEEL_REAUTH_MINUTES.
 */
export function reauthWindowMs(): number {
  return getEnv().KEEL_REAUTH_MINUTES * 60_000;
}

function minutesAgo(since: Date, now: number): number {
  return Math.max(0, Math.floor((now - since.getTime()) / 60_000));
}

/**
 * Throws FORBIDDEN with `details.reason = "REAUTH_REQUIRED"` unless the actor's session proved its
 * password (or its OIDC sign-in) within the window. `what` names the action in the message.
 */
export async function requireRecentAuthentication(
  db: Queryable,
  actor: Actor,
  what: string,
  now = Date.now(),
  windowMs = reauthWindowMs(),
): Promise<void> {
  const windowMinutes = Math.round(windowMs / 60_000);
  const [session] = actor.sessionId
    ? await db
        .select({
          authenticatedAt: sessions.authenticatedAt,
          reauthRequestedAt: sessions.reauthRequestedAt,
          method: sessions.method,
        })
        .from(sessions)
        .where(eq(sessions.id, actor.sessionId))
    : [];
  if (!session) {
    // Only a signed-in person may do this: a token or a process has no password to prove.
    throw new AppError("FORBIDDEN", `${what} needs a person signed in with a password or single sign-on.`);
  }
  const requestedByAdmin = session.reauthRequestedAt !== null && session.reauthRequestedAt >= session.authenticatedAt;
  if (!requestedByAdmin && now - session.authenticatedAt.getTime() <= windowMs) return;
  const details: ReauthRequiredDetails = {
    reason: REAUTH_REQUIRED,
    method: session.method,
    authenticatedAt: session.authenticatedAt.toISOString(),
    windowMinutes,
  };
  const how = session.method === "oidc" ? "sign in again with single sign-on" : "enter your password again";
  const why = requestedByAdmin
    ? "An administrator asked you to confirm it is you before your next high-risk action."
    : `You last signed in ${minutesAgo(session.authenticatedAt, now)} minutes ago; Keel asks again after ${windowMinutes} minutes.`;
  throw new AppError("FORBIDDEN", `${what} is a high-risk action: ${how} to confirm it is you. ${why}`, details);
}

/**
 * Checks the password of the signed-in person again and, when right, marks their session as
 * freshly authenticated. Held to the sign-in limits (per account and address, per address), and
 * audited as `auth.reauthenticated` or `auth.reauthentication_failed`, never with the password.
 */
export async function reauthenticate(
  db: Database,
  actor: Actor & { userId: string; sessionId: string },
  input: ReauthenticateInput,
  limits: RateLimits | null,
): Promise<{ authenticatedAt: Date }> {
  const [user] = await db.select().from(users).where(eq(users.id, actor.userId));
  if (!user) throw new AppError("UNAUTHORIZED", "Sign in to continue.");
  if (!user.passwordHash) {
    await spendPasswordCheckTime(input.password);
    throw AppError.field(
      "password",
      "Your account signs in through single sign-on and has no Keel password: sign in again with single sign-on instead.",
      "FORBIDDEN",
    );
  }
  const guard = signInGuard(limits, user.email, actor.request);
  const locked = await guard.locked();
  if (locked) {
    await spendPasswordCheckTime(input.password);
    await recordFailure(db, actor, "rate_limited");
    throw tooMany(locked);
  }
  if (!(await verifyPassword(input.password, user.passwordHash))) {
    await recordFailure(db, actor, "wrong_password");
    const refusal = await guard.failed(actor);
    if (refusal) throw tooMany(refusal);
    throw AppError.field("password", "That is not your password. Try again.");
  }
  await guard.succeeded();
  const authenticatedAt = new Date();
  await db.transaction(async (tx) => {
    const [updated] = await tx
      .update(sessions)
      .set({ authenticatedAt })
      .where(and(eq(sessions.id, actor.sessionId), eq(sessions.userId, actor.userId), isNull(sessions.revokedAt)))
      .returning({ id: sessions.id });
    if (!updated) throw new AppError("UNAUTHORIZED", "Sign in to continue.");
    await appendAuditEvent(tx, actor, {
      eventType: "auth.reauthenticated",
      outcome: "success",
      entityType: "user",
      entityId: actor.userId,
      meta: { method: "password" },
    });
  });
  return { authenticatedAt };
}

async function recordFailure(
  db: Database,
  actor: Actor & { userId: string },
  reason: "wrong_password" | "rate_limited",
): Promise<void> {
  await appendAuditEvent(db, actor, {
    eventType: "auth.reauthentication_failed",
    outcome: "failure",
    entityType: "user",
    entityId: actor.userId,
    meta: { reason },
  });
}

/**
 * An admin's answer to a suspected stolen session short of disabling the account: every open
 * session of the person must prove its password (or single sign-on) again before its next
 * high-risk action. Audited as `user.reauthentication_required` with the number of sessions.
 */
export async function requireReauthentication(
  db: Database,
  actor: Actor,
  input: { userId: string },
  now = new Date(),
): Promise<{ sessions: number }> {
  return db.transaction(async (tx) => {
    const [user] = await tx.select({ id: users.id, email: users.email }).from(users).where(eq(users.id, input.userId));
    if (!user) throw AppError.field("userId", "There is no user with this id.", "NOT_FOUND");
    const marked = await tx
      .update(sessions)
      .set({ reauthRequestedAt: now })
      .where(and(eq(sessions.userId, user.id), isNull(sessions.revokedAt)))
      .returning({ id: sessions.id });
    await appendAuditEvent(tx, actor, {
      eventType: "user.reauthentication_required",
      outcome: "success",
      entityType: "user",
      entityId: user.id,
      meta: { email: user.email, sessions: marked.length },
    });
    return { sessions: marked.length };
  });
}

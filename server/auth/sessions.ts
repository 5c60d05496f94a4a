import { and, eq, isNull, ne } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { sessions, users } from "@/db/schema";
import type { Role } from "@/lib/roles";
import { appendAuditEvent } from "../audit/append";
import type { Actor } from "../audit/actor";

export type SessionPolicy = { maxAgeMs: number; idleTimeoutMs: number };

export type SessionUser = {
  id: string;
  email: string;
  name: string;
  role: Role;
  mustChangePassword: boolean;
};

export type ResolvedSession = {
  sessionId: string;
  user: SessionUser;
  createdAt: Date;
};

/** last_seen_at is written at most this often, so reads do not turn into writes. */
const TOUCH_INTERVAL_MS = 60_000;

export async function createSession(
  db: Queryable,
  input: {
    userId: string;
    method: "password" | "oidc";
    ip: string | null;
    userAgent: string | null;
    policy: SessionPolicy;
  },
): Promise<string> {
  const now = new Date();
  const [row] = await db
    .insert(sessions)
    .values({
      userId: input.userId,
      method: input.method,
      ip: input.ip,
      userAgent: input.userAgent?.slice(0, 400) ?? null,
      createdAt: now,
      lastSeenAt: now,
      authenticatedAt: now,
      expiresAt: new Date(now.getTime() + input.policy.maxAgeMs),
    })
    .returning({ id: sessions.id });
  return row!.id;
}

/**
 * The signed-in user behind a session id, or null when the session was revoked, has expired,
 * has been idle too long, or its user is disabled. Called on every request.
 */
export async function resolveSession(
  db: Queryable,
  sessionId: string,
  policy: SessionPolicy,
  now = new Date(),
): Promise<ResolvedSession | null> {
  const [row] = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, sessionId));
  if (!row) return null;
  const { session, user } = row;
  if (session.revokedAt || user.disabledAt) return null;
  if (session.expiresAt.getTime() <= now.getTime()) return null;
  if (now.getTime() - session.lastSeenAt.getTime() > policy.idleTimeoutMs) return null;
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, sessionId));
  }
  return {
    sessionId: session.id,
    createdAt: session.createdAt,
    user: {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      mustChangePassword: user.mustChangePassword,
    },
  };
}

/** Ends one session and records why: "session.revoked", or "auth.signed_out" when its owner signed out. */
export async function revokeSession(
  db: Queryable,
  actor: Actor,
  sessionId: string,
  reason: string,
  eventType: "session.revoked" | "auth.signed_out" = "session.revoked",
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const revoked = await tx
      .update(sessions)
      .set({ revokedAt: new Date(), revokedReason: reason })
      .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)))
      .returning({ id: sessions.id, userId: sessions.userId });
    if (revoked.length === 0) return false;
    await appendAuditEvent(tx, actor, {
      eventType,
      outcome: "success",
      entityType: "user",
      entityId: revoked[0]!.userId,
      meta: { revokedSessionId: sessionId, reason },
    });
    return true;
  });
}

/** Ends every session of a user (optionally but one) at once. Runs inside the caller's transaction. */
export async function revokeUserSessions(
  db: Queryable,
  userId: string,
  reason: string,
  exceptSessionId?: string,
): Promise<number> {
  const conditions = [eq(sessions.userId, userId), isNull(sessions.revokedAt)];
  if (exceptSessionId) conditions.push(ne(sessions.id, exceptSessionId));
  const revoked = await db
    .update(sessions)
    .set({ revokedAt: new Date(), revokedReason: reason })
    .where(and(...conditions))
    .returning({ id: sessions.id });
  return revoked.length;
}

/** The actor for events about a session: its owner, through that session. */
export async function sessionOwnerActor(
  db: Queryable,
  sessionId: string,
  request: Actor["request"],
): Promise<Actor | null> {
  const [row] = await db
    .select({ userId: users.id, email: users.email })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, sessionId));
  return row ? { userId: row.userId, label: row.email, sessionId, request } : null;
}

export async function listActiveSessions(db: Queryable, userId: string, policy: SessionPolicy, now = new Date()) {
  const rows = await db
    .select({
      id: sessions.id,
      method: sessions.method,
      ip: sessions.ip,
      userAgent: sessions.userAgent,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      expiresAt: sessions.expiresAt,
    })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
  return rows
    .filter((s) => s.expiresAt > now && now.getTime() - s.lastSeenAt.getTime() <= policy.idleTimeoutMs)
    .sort((a, b) => b.lastSeenAt.getTime() - a.lastSeenAt.getTime());
}

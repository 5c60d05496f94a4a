import { and, eq, isNull, ne, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { sessions, users } from "@/db/schema";
import type { Role } from "@/lib/roles";
import { appendAuditEvent } from "../audit/append";
import type { Actor } from "../audit/actor";
import { notifySessionsChanged } from "../live/notify";
import { forgetCachedSessions } from "./process-session-cache";
import type { SessionRecord } from "./session-cache";

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

/** The session and its user in one round trip; prepared once per database (the hottest query there is). */
const preparedLookups = new WeakMap<Queryable, ReturnType<typeof prepareLookup>>();

function prepareLookup(db: Queryable) {
  return db
    .select({
      sessionId: sessions.id,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      expiresAt: sessions.expiresAt,
      revokedAt: sessions.revokedAt,
      userId: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      mustChangePassword: users.mustChangePassword,
      disabledAt: users.disabledAt,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, sql.placeholder("sessionId")))
    .prepare("keel_session_lookup");
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
  return (await readSessionRecord(db, sessionId, policy, now))?.session ?? null;
}

/** resolveSession, with the session's expiry and last recorded activity (what a cache needs to keep it honest). */
export async function readSessionRecord(
  db: Queryable,
  sessionId: string,
  policy: SessionPolicy,
  now = new Date(),
): Promise<SessionRecord | null> {
  let lookup = preparedLookups.get(db);
  if (!lookup) preparedLookups.set(db, (lookup = prepareLookup(db)));
  const [row] = await lookup.execute({ sessionId });
  if (!row) return null;
  if (row.revokedAt || row.disabledAt) return null;
  if (row.expiresAt.getTime() <= now.getTime()) return null;
  if (now.getTime() - row.lastSeenAt.getTime() > policy.idleTimeoutMs) return null;
  let lastSeenAt = row.lastSeenAt;
  if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, sessionId));
    lastSeenAt = now;
  }
  return {
    session: {
      sessionId: row.sessionId,
      createdAt: row.createdAt,
      user: {
        id: row.userId,
        email: row.email,
        name: row.name,
        role: row.role,
        mustChangePassword: row.mustChangePassword,
      },
    },
    expiresAt: row.expiresAt.getTime(),
    lastSeenAt: lastSeenAt.getTime(),
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
  const revokedUserId = await db.transaction(async (tx) => {
    const revoked = await tx
      .update(sessions)
      .set({ revokedAt: new Date(), revokedReason: reason })
      .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)))
      .returning({ id: sessions.id, userId: sessions.userId });
    if (revoked.length === 0) return null;
    await appendAuditEvent(tx, actor, {
      eventType,
      outcome: "success",
      entityType: "user",
      entityId: revoked[0]!.userId,
      meta: { revokedSessionId: sessionId, reason },
    });
    await notifySessionsChanged(tx, revoked[0]!.userId, sessionId);
    return revoked[0]!.userId;
  });
  // The other instances hear of it at commit; this one must not wait for its own notification.
  forgetCachedSessions(revokedUserId, sessionId);
  return revokedUserId !== null;
}

/**
 * Ends every session of a user (optionally but one) at once. Runs inside the caller's
 * transaction, which tells every instance at commit; the caller then calls forgetCachedSessions.
 */
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
  if (revoked.length > 0) await notifySessionsChanged(db, userId, null);
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

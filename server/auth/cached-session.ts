import type { Queryable } from "@/db/client";
import type { SessionCache } from "./session-cache";
import { readSessionRecord, type ResolvedSession, type SessionPolicy } from "./sessions";

/**
 * resolveSession through `cache`: a session checked moments ago, with nothing heard about it
 * since, is answered from memory, still held to its expiry and idle limit. Anything else is read
 * from the database and kept for the next request. A null cache always reads.
 */
export async function resolveSessionCached(
  cache: SessionCache | null,
  db: Queryable,
  sessionId: string,
  policy: SessionPolicy,
  now = new Date(),
): Promise<ResolvedSession | null> {
  const cached = cache?.get(sessionId);
  if (cached && cached.expiresAt > now.getTime() && now.getTime() - cached.lastSeenAt <= policy.idleTimeoutMs)
    return cached.session;
  const ticket = cache?.ticket();
  const record = await readSessionRecord(db, sessionId, policy, now);
  if (record && cache && ticket) cache.store(ticket, sessionId, record);
  return record?.session ?? null;
}

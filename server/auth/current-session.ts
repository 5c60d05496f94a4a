import "server-only";
import { getServerSession } from "next-auth";
import { cache } from "react";
import { getDb } from "../db";
import { resolveSessionCached } from "./cached-session";
import { getAuthOptions } from "./next-auth";
import { getProcessSessionCache } from "./process-session-cache";
import { sessionPolicyFromEnv } from "./session-policy";
import type { ResolvedSession } from "./sessions";

/**
 * The session of the current request: a revoked, expired or idle session, or a disabled user, is
 * no session at all. Checked against the database, or against this process's session cache,
 * which every instance empties of whatever changed (server/auth/process-session-cache.ts).
 * Cached per render.
 */
export const getCurrentSession = cache(async (): Promise<ResolvedSession | null> => {
  const session = await getServerSession(getAuthOptions());
  if (!session?.sid) return null;
  return resolveSessionCached(await getProcessSessionCache(), await getDb(), session.sid, sessionPolicyFromEnv());
});

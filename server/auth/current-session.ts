import "server-only";
import { cache } from "react";
import { getDb } from "../db";
import { resolveSessionCached } from "./cached-session";
import { getProcessSessionCache } from "./process-session-cache";
import { sessionPolicyFromEnv } from "./session-policy";
import type { ResolvedSession } from "./sessions";
import { sessionIdFromCookie } from "./session-token";

/**
 * The session of the current request: a revoked, expired or idle session, or a disabled user, is
 * no session at all. Checked against the database, or against this process's session cache,
 * which every instance empties of whatever changed (server/auth/process-session-cache.ts).
 * Cached per render.
 */
export const getCurrentSession = cache(async (): Promise<ResolvedSession | null> => {
  const sessionId = await sessionIdFromCookie();
  if (!sessionId) return null;
  return resolveSessionCached(await getProcessSessionCache(), await getDb(), sessionId, sessionPolicyFromEnv());
});

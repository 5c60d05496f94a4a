import "server-only";
import { getServerSession } from "next-auth";
import { cache } from "react";
import { getDb } from "../db";
import { getAuthOptions } from "./next-auth";
import { sessionPolicyFromEnv } from "./session-policy";
import { resolveSession, type ResolvedSession } from "./sessions";

/**
 * The session of the current request, checked against the database every time: a revoked,
 * expired or idle session, or a disabled user, is no session at all. Cached per render.
 */
export const getCurrentSession = cache(async (): Promise<ResolvedSession | null> => {
  const session = await getServerSession(getAuthOptions());
  if (!session?.sid) return null;
  return resolveSession(await getDb(), session.sid, sessionPolicyFromEnv());
});

import { getEnv } from "../config/env";
import { getLiveHub, type LiveHub } from "../live/hub";
import { SESSIONS_TOPIC } from "../live/live-event";
import { getLogger } from "../observability/logger";
import { SessionCache } from "./session-cache";

const GLOBAL_KEY = Symbol.for("keel.sessionCaches");
type ProcessCaches = { byHub: WeakMap<LiveHub, SessionCache>; local: Set<SessionCache> };
type GlobalWithCaches = typeof globalThis & { [GLOBAL_KEY]?: ProcessCaches };

/**
 * Kept on globalThis, like the hub: the custom server and Next.js's bundle each load their own
 * copy of this module, and a change made through either must reach the one cache.
 */
function processCaches(): ProcessCaches {
  const scope = globalThis as GlobalWithCaches;
  return (scope[GLOBAL_KEY] ??= { byHub: new WeakMap(), local: new Set() });
}

/**
 * A cache that forgets whatever `hub` hears has changed (in any instance), and everything when
 * the hub's connection was lost (notifications sent meanwhile are gone).
 */
export function attachSessionCache(hub: LiveHub, ttlMs: number): SessionCache {
  const cache = new SessionCache({ ttlMs, listeningEpoch: () => hub.listeningEpoch() });
  hub.subscribe(SESSIONS_TOPIC, (event) => {
    if (event.channel !== "sessions_changed") return;
    if (event.sessionId) cache.forgetSession(event.sessionId);
    else cache.forgetUser(event.userId);
  });
  hub.onReconnected(() => cache.clear());
  return cache;
}

/**
 * Makes `cache` this process's own: forgetCachedSessions reaches it at once, without waiting for
 * the notification. Returns the way to undo that.
 */
export function registerLocalSessionCache(cache: SessionCache): () => void {
  const { local } = processCaches();
  local.add(cache);
  return () => void local.delete(cache);
}

/**
 * This process's session cache, listening through its live hub; null when caching is off
 * (KEEL_SESSION_CACHE_SECONDS=0) or the hub cannot start (then every request asks the database).
 */
export async function getProcessSessionCache(): Promise<SessionCache | null> {
  const ttlMs = getEnv().KEEL_SESSION_CACHE_SECONDS * 1000;
  if (ttlMs <= 0) return null;
  let hub: LiveHub;
  try {
    hub = await getLiveHub();
  } catch (error) {
    getLogger().warn({ err: error }, "session cache off: the live hub did not start");
    return null;
  }
  const { byHub } = processCaches();
  let cache = byHub.get(hub);
  if (!cache) {
    cache = attachSessionCache(hub, ttlMs);
    byHub.set(hub, cache);
    registerLocalSessionCache(cache);
  }
  return cache;
}

/**
 * Called after the transaction that ended a session or changed a user commits: this process's
 * caches forget it now; the NOTIFY sent inside the transaction tells every other instance.
 */
export function forgetCachedSessions(userId: string | null, sessionId: string | null): void {
  for (const cache of processCaches().local) {
    if (sessionId) cache.forgetSession(sessionId);
    if (userId) cache.forgetUser(userId);
  }
}

import { sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { encodeLiveEvent, type LiveEvent } from "./live-event";

/*
 * Called by the engine inside the transaction that makes the change: Postgres delivers a NOTIFY
 * at commit and drops it on rollback, so no page ever hears of a change that did not happen.
 */

/** Tells every app instance that a run moved to `version`. */
export async function notifyRunChanged(db: Queryable, runId: string, version: number): Promise<void> {
  await sendLiveEvent(db, { channel: "run_changed", runId, version });
}

/** Tells every app instance that a step attempt has output up to line `lastLineNo` (never the text itself). */
export async function notifyRunOutput(
  db: Queryable,
  event: { runId: string; stepId: string; attempt: number; lastLineNo: number },
): Promise<void> {
  await sendLiveEvent(db, { channel: "run_output", ...event });
}

/** Tells every app instance that an incident changed (its timeline may have new entries). */
export async function notifyIncidentChanged(db: Queryable, incidentId: string, version: number): Promise<void> {
  await sendLiveEvent(db, { channel: "incident_changed", incidentId, version });
}

/**
 * Tells every app instance to stop trusting what it cached about a user's sessions (one of
 * them, or all): the session was ended, or the user disabled, demoted or given a new password.
 */
export async function notifySessionsChanged(db: Queryable, userId: string, sessionId: string | null): Promise<void> {
  await sendLiveEvent(db, { channel: "sessions_changed", userId, sessionId });
}

async function sendLiveEvent(db: Queryable, event: LiveEvent): Promise<void> {
  const { channel, payload } = encodeLiveEvent(event);
  await db.execute(sql`select pg_notify(${channel}, ${payload})`);
}

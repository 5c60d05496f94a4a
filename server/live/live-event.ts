import { z } from "zod";

/**
 * What travels between app instances over Postgres NOTIFY: which run changed, never what it
 * changed to. Payloads are capped at 8000 bytes by Postgres and readable by every session on the
 * database, so they hold ids and counters only; listeners fetch the rest through normal queries.
 */
export type LiveEvent =
  | { channel: "run_changed"; runId: string; version: number }
  | { channel: "run_output"; runId: string; stepId: string; attempt: number; lastLineNo: number }
  /** Something about an incident changed (status, roles, notes, follow-ups, a run attached). */
  | { channel: "incident_changed"; incidentId: string; version: number }
  /** A user's sessions (all of them, or the one named) must be checked against the database again. */
  | { channel: "sessions_changed"; userId: string; sessionId: string | null };

/** Postgres channel names, one per kind of event. */
export const LIVE_CHANNELS = {
  run_changed: "keel_run_changed",
  run_output: "keel_run_output",
  incident_changed: "keel_incident_changed",
  sessions_changed: "keel_sessions_changed",
} as const satisfies Record<LiveEvent["channel"], string>;

export const POSTGRES_LIVE_CHANNELS = Object.values(LIVE_CHANNELS);

/** A step id is a short token (runbook ids are `[a-z][a-z0-9_-]*`); anything else is not an id. */
const stepIdToken = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/);
const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

const runChangedPayload = z.strictObject({ runId: z.uuid(), version: count });
const runOutputPayload = z.strictObject({ runId: z.uuid(), stepId: stepIdToken, attempt: count, lastLineNo: count });
const incidentChangedPayload = z.strictObject({ incidentId: z.uuid(), version: count });
const sessionsChangedPayload = z.strictObject({ userId: z.uuid(), sessionId: z.uuid().nullable() });

/** The hub topic of session changes: every session cache listens to all of them. */
export const SESSIONS_TOPIC = "sessions";

/** Who listens for an event in the hub: a run's id, or an incident's topic. */
export function liveEventTopic(event: LiveEvent): string {
  if (event.channel === "sessions_changed") return SESSIONS_TOPIC;
  return event.channel === "incident_changed" ? incidentTopic(event.incidentId) : event.runId;
}

/** The hub topic of an incident's own changes (run ids are UUIDs, so they never collide). */
export function incidentTopic(incidentId: string): string {
  return `incident:${incidentId}`;
}

/**
 * The channel and JSON payload for an event. Throws on a malformed event: sent anyway, every
 * listener would drop it, and the pages would silently stop updating.
 */
export function encodeLiveEvent(event: LiveEvent): { channel: string; payload: string } {
  if (event.channel === "run_changed") {
    return {
      channel: LIVE_CHANNELS.run_changed,
      payload: JSON.stringify(runChangedPayload.parse({ runId: event.runId, version: event.version })),
    };
  }
  if (event.channel === "incident_changed") {
    return {
      channel: LIVE_CHANNELS.incident_changed,
      payload: JSON.stringify(incidentChangedPayload.parse({ incidentId: event.incidentId, version: event.version })),
    };
  }
  if (event.channel === "sessions_changed") {
    return {
      channel: LIVE_CHANNELS.sessions_changed,
      payload: JSON.stringify(sessionsChangedPayload.parse({ userId: event.userId, sessionId: event.sessionId })),
    };
  }
  const { runId, stepId, attempt, lastLineNo } = event;
  return {
    channel: LIVE_CHANNELS.run_output,
    payload: JSON.stringify(runOutputPayload.parse({ runId, stepId, attempt, lastLineNo })),
  };
}

/** The event a notification carries, or null for anything malformed or unknown. */
export function decodeLiveEvent(channel: string, payload: string | undefined): LiveEvent | null {
  if (payload === undefined) return null;
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return null;
  }
  if (channel === LIVE_CHANNELS.run_changed) {
    const parsed = runChangedPayload.safeParse(json);
    return parsed.success ? { channel: "run_changed", ...parsed.data } : null;
  }
  if (channel === LIVE_CHANNELS.run_output) {
    const parsed = runOutputPayload.safeParse(json);
    return parsed.success ? { channel: "run_output", ...parsed.data } : null;
  }
  if (channel === LIVE_CHANNELS.incident_changed) {
    const parsed = incidentChangedPayload.safeParse(json);
    return parsed.success ? { channel: "incident_changed", ...parsed.data } : null;
  }
  if (channel === LIVE_CHANNELS.sessions_changed) {
    const parsed = sessionsChangedPayload.safeParse(json);
    return parsed.success ? { channel: "sessions_changed", ...parsed.data } : null;
  }
  return null;
}

/**
 * The wire protocol of a run's live stream (`GET /api/runs/:runId/events`), shared by the server
 * that writes it and the browser hook that reads it. Event data carries ids and numbers only:
 * the page fetches anything it shows (state, output text) through its normal, permission-checked
 * queries, so nothing secret or large ever travels on the stream.
 */

export const RUN_EVENT = {
  /** The run is at this version (`id:` is the version, so a reconnect sends it as Last-Event-ID). */
  run: "run",
  /** New output lines for a step attempt, up to and including `lastLineNo`. */
  output: "output",
  /** The run does not exist (any more); the stream ends. */
  gone: "gone",
} as const;

export type RunEventData = { version: number };
export type OutputEventData = { stepId: string; attempt: number; lastLineNo: number };

export function runEventsUrl(runId: string): string {
  return `/api/runs/${encodeURIComponent(runId)}/events`;
}

export function parseRunEventData(data: string): RunEventData | null {
  const value = parseJsonObject(data);
  return value && isCount(value.version) ? { version: value.version } : null;
}

export function parseOutputEventData(data: string): OutputEventData | null {
  const value = parseJsonObject(data);
  if (!value || typeof value.stepId !== "string" || !isCount(value.attempt) || !isCount(value.lastLineNo)) return null;
  return { stepId: value.stepId, attempt: value.attempt, lastLineNo: value.lastLineNo };
}

function parseJsonObject(data: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

/**
 * The wire protocol of an incident's live stream (`GET /api/incidents/:id/events`). Like the run
 * stream it carries no content, only "something changed": the page refetches its incident,
 * timeline and runs through the normal, permission-checked queries.
 */

export const INCIDENT_EVENT = {
  /** The incident, one of its notes, or a run inside it changed (also sent once on every connect). */
  changed: "changed",
  /** The incident does not exist; the stream ends. */
  gone: "gone",
} as const;

export type IncidentChangedData = { version: number };

export function incidentEventsUrl(incidentId: string): string {
  return `/api/incidents/${encodeURIComponent(incidentId)}/events`;
}

export function parseIncidentChangedData(data: string): IncidentChangedData | null {
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value !== "object" || value === null) return null;
    const version = (value as { version?: unknown }).version;
    return typeof version === "number" && Number.isSafeInteger(version) && version >= 0 ? { version } : null;
  } catch {
    return null;
  }
}

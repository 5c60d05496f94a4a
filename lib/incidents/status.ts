/**
 * Incident severities and statuses, and which status moves are allowed. Shared by the server
 * (which enforces them) and the pages (which only offer what is allowed).
 */

export const INCIDENT_SEVERITIES = ["SEV1", "SEV2", "SEV3", "SEV4"] as const;
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];

export const SEVERITY_DESCRIPTIONS: Record<IncidentSeverity, string> = {
  SEV1: "Critical: customer-facing outage or data loss, all hands",
  SEV2: "Major: a key feature is down or badly degraded for many customers",
  SEV3: "Minor: partial degradation with a workaround, or an internal system down",
  SEV4: "Low: a small problem with no customer impact yet, handled in working hours",
};

export const INCIDENT_STATUSES = ["investigating", "identified", "monitoring", "resolved"] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const STATUS_LABELS: Record<IncidentStatus, string> = {
  investigating: "Investigating",
  identified: "Identified",
  monitoring: "Monitoring",
  resolved: "Resolved",
};

export const STATUS_DESCRIPTIONS: Record<IncidentStatus, string> = {
  investigating: "Looking for the cause",
  identified: "The cause is known; a fix is under way",
  monitoring: "A fix is in place; watching that it holds",
  resolved: "Over; the summary says what happened",
};

/**
 * Allowed moves through `changeStatus`. Forward moves may skip ahead (a false alarm goes straight
 * to resolved); an active incident may go back to any earlier active status when the fix did
 * not hold or the cause was wrong. Resolved leaves only through the explicit reopen action.
 */
const ALLOWED: Record<IncidentStatus, readonly IncidentStatus[]> = {
  investigating: ["identified", "monitoring", "resolved"],
  identified: ["investigating", "monitoring", "resolved"],
  monitoring: ["investigating", "identified", "resolved"],
  resolved: [],
};

export type StatusMove = { ok: true } | { ok: false; message: string };

/** Whether an incident in `from` may move to `to` through a status change. */
export function checkStatusMove(from: IncidentStatus, to: IncidentStatus): StatusMove {
  if (from === to) return { ok: false, message: `The incident is already ${STATUS_LABELS[to].toLowerCase()}.` };
  if (from === "resolved") return { ok: false, message: "The incident is resolved: reopen it to change its status." };
  if (!ALLOWED[from].includes(to))
    return {
      ok: false,
      message: `An incident cannot move from ${STATUS_LABELS[from].toLowerCase()} to ${STATUS_LABELS[to].toLowerCase()}.`,
    };
  return { ok: true };
}

/** The statuses a status control offers for an incident in `from`. */
export function nextStatuses(from: IncidentStatus): IncidentStatus[] {
  return [...ALLOWED[from]];
}

/** The status a reopened incident starts again from. */
export const REOPENED_STATUS: IncidentStatus = "investigating";

export function isActiveStatus(status: IncidentStatus): boolean {
  return status !== "resolved";
}

import { SEVERITY_DESCRIPTIONS, STATUS_LABELS, type IncidentSeverity, type IncidentStatus } from "./status";

/** Plain-language descriptions of incident audit events ("Moved to monitoring"), or null for other events. */
export function describeIncidentEvent(type: string, m: Record<string, unknown>): string | null {
  const str = (key: string) => (typeof m[key] === "string" ? (m[key] as string) : "");
  const status = (key: string) => STATUS_LABELS[str(key) as IncidentStatus]?.toLowerCase() ?? str(key);
  switch (type) {
    case "incident.declared": {
      const severity = str("severity") as IncidentSeverity;
      return `Declared incident ${String(m.incidentNumber ?? "")} "${str("title")}" as ${severity}${SEVERITY_DESCRIPTIONS[severity] ? ` (${SEVERITY_DESCRIPTIONS[severity].split(":")[0]})` : ""}, commander ${str("commanderLabel")}`;
    }
    case "incident.status_changed":
      return str("to") === "resolved"
        ? `Resolved (was ${status("from")}): ${str("summary")}`
        : `Moved from ${status("from")} to ${status("to")}`;
    case "incident.reopened":
      return `Reopened: ${str("reason")}`;
    case "incident.role_assigned": {
      const role = str("role");
      if (!str("toLabel")) return `Left the ${role} role empty (was ${str("fromLabel") || "nobody"})`;
      return `Made ${str("toLabel")} ${role}${str("fromLabel") ? ` (was ${str("fromLabel")})` : ""}`;
    }
    case "incident.note_added":
      return `Note: ${str("body")}`;
    case "incident.note_edited":
      return `Edited a note: ${str("body")}`;
    case "incident.note_pinned":
      return "Pinned a note";
    case "incident.note_unpinned":
      return "Unpinned a note";
    case "incident.follow_up_added":
      return `Follow-up for ${str("ownerLabel")}: ${str("text")}`;
    case "incident.follow_up_tracked":
      return `Added follow-up "${str("text")}" to checklist ${String(m.checklistNumber ?? "")} "${str("checklistName")}" as a ${str("priority")} item for ${str("ownerLabel")}, due ${str("dueLabel") || str("dueDate")}`;
    case "incident.postmortem_exported":
      return `Downloaded the postmortem draft of incident ${String(m.incidentNumber ?? "")}`;
    default:
      return null;
  }
}

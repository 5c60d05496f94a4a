import {
  SEVERITY_DESCRIPTIONS,
  STATUS_DESCRIPTIONS,
  STATUS_LABELS,
  type IncidentSeverity,
  type IncidentStatus,
} from "@/lib/incidents/status";

const SEVERITY_TONES: Record<IncidentSeverity, string> = { SEV1: "danger", SEV2: "warn", SEV3: "info", SEV4: "muted" };
const STATUS_TONES: Record<IncidentStatus, string> = {
  investigating: "danger",
  identified: "warn",
  monitoring: "info",
  resolved: "ok",
};

export function SeverityBadge({ severity }: { severity: IncidentSeverity }) {
  return (
    <span
      className={`badge ${SEVERITY_TONES[severity]}`}
      title={SEVERITY_DESCRIPTIONS[severity]}
      data-testid="incident-severity"
    >
      {severity}
    </span>
  );
}

export function IncidentStatusBadge({ status }: { status: IncidentStatus }) {
  return (
    <span className={`badge ${STATUS_TONES[status]}`} title={STATUS_DESCRIPTIONS[status]} data-testid="incident-status">
      {STATUS_LABELS[status]}
    </span>
  );
}

import type { RunStatus, StepStatus } from "@/db/schema";
import { RUN_STATUS_LABELS, STEP_STATUS_LABELS, statusTone } from "@/lib/runs/status-labels";

export function RunStatusBadge({ status }: { status: RunStatus }) {
  return <span className={`badge ${statusTone(status)}`} data-testid="run-status">{RUN_STATUS_LABELS[status]}</span>;
}

export function StepStatusBadge({ status }: { status: StepStatus }) {
  return <span className={`badge ${statusTone(status)}`}>{STEP_STATUS_LABELS[status]}</span>;
}

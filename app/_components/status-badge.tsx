import type { RunStatus, StepStatus } from "@/db/schema";
import { RUN_STATUS_LABELS, STEP_CANCELLED_LABEL, STEP_STATUS_LABELS, statusTone } from "@/lib/runs/status-labels";

export function RunStatusBadge({ status }: { status: RunStatus }) {
  return (
    <span className={`badge ${statusTone(status)}`} data-testid="run-status">
      {RUN_STATUS_LABELS[status]}
    </span>
  );
}

/** cancelledWithRun: the step was stopped by its run's end (abort or refusal), not skipped by a person. */
export function StepStatusBadge({
  status,
  cancelledWithRun = false,
}: {
  status: StepStatus;
  cancelledWithRun?: boolean;
}) {
  return (
    <span className={`badge ${statusTone(status)}`}>
      {cancelledWithRun ? STEP_CANCELLED_LABEL : STEP_STATUS_LABELS[status]}
    </span>
  );
}

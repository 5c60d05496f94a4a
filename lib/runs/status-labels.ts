import type { RunStatus, StepStatus } from "@/db/schema";

export const RUN_STATUS_LABELS: Record<RunStatus, string> = {
  queued: "Queued for a lock",
  running: "Running",
  waiting_approval: "Waiting for approval",
  waiting_operator: "Waiting for an operator",
  failed: "Failed",
  interrupted: "Interrupted",
  aborting: "Aborting",
  succeeded: "Succeeded",
  cancelled: "Cancelled",
  refused: "Refused",
};

export const STEP_STATUS_LABELS: Record<StepStatus, string> = {
  pending: "Not started",
  planning: "Planning",
  waiting_operator: "Waiting for an operator",
  waiting_approval: "Waiting for approval",
  queued: "Queued",
  running: "Running",
  succeeded: "Done",
  failed: "Failed",
  interrupted: "Interrupted",
  skipped: "Skipped",
  not_applicable: "Not needed",
  compensating: "Undoing",
  compensated: "Undone",
  compensation_failed: "Undo failed",
  compensation_skipped: "Undo skipped",
  refused: "Refused",
};

/** A step the end of its run stopped (an abort or a refusal) is shown as cancelled, like its run. */
export const STEP_CANCELLED_LABEL = "Cancelled";

/** The badge colour for a status: what needs a person, what is fine, what is over. */
export function statusTone(status: RunStatus | StepStatus): "ok" | "warn" | "danger" | "info" | "muted" {
  switch (status) {
    case "succeeded":
    case "compensated":
      return "ok";
    case "waiting_approval":
    case "waiting_operator":
    case "queued":
    case "aborting":
    case "compensating":
      return "warn";
    case "failed":
    case "interrupted":
    case "compensation_failed":
      return "danger";
    case "running":
    case "planning":
      return "info";
    default:
      return "muted";
  }
}

import type { AuditOutcome, RunStatus, StepStatus } from "@/db/schema";
import type { Role } from "@/lib/roles";
import type { RunbookDefinition } from "@/lib/runbooks/definition";

/**
 * The run state machine's view of a run: only what decisions depend on. The engine loads it
 * from the database, applies one command, and persists what changed, in one transaction.
 */
export type MachineApproval = {
  userId: string;
  decision: "approved" | "refused";
  bindingHash: string;
  attempt: number;
  expiresAt: number | null;
  voided: boolean;
};

/** A covered plan: its hash, null while being computed, or "deferred" when it depends on steps not run yet. */
export type CoveredPlan = string | null | "deferred";

export type MachineStep = {
  id: string;
  kind: "manual" | "check" | "action" | "approval";
  status: StepStatus;
  attempt: number;
  /** Action: hash of its latest plan. */
  planHash: string | null;
  /** Approval: the plans it covers, by step id. */
  coveredPlans: Record<string, CoveredPlan> | null;
  /** Approval: what its approvals are bound to. */
  bindingHash: string | null;
  approvals: MachineApproval[];
  output: Record<string, unknown> | null;
  compensationAttempt: number;
  /** The job in flight, interrupted, or queued to resume: which phase and attempt. Cleared when it finishes. */
  activeJob: { phase: Exclude<JobPhase, "plan">; attempt: number } | null;
};

export type MachineRun = {
  status: RunStatus;
  runbookVersionId: string;
  inputsHash: string;
  startedBy: string;
  inputs: Record<string, unknown>;
  steps: MachineStep[];
  /** Set once an abort was confirmed or an approval refused: compensations run, then the run ends cancelled (or refused). */
  aborting: boolean;
};

export type Actor = { userId: string; role: Role };

export type JobPhase = "plan" | "execute" | "check" | "compensate";

export type Command =
  | { type: "start" }
  | { type: "lock_acquired" }
  /** forApproval: the plan was computed for the approval that covers this step (attempt = the approval's). */
  | { type: "plan_ready"; stepId: string; attempt: number; planHash: string; forApproval?: string }
  /** deferred: the plan depends on the output of steps that have not run yet. */
  | { type: "plan_failed"; stepId: string; attempt: number; error: string; deferred?: boolean; forApproval?: string }
  | { type: "confirm"; stepId: string; actor: Actor; evidence: { note?: string; link?: string } | null }
  | { type: "execute"; stepId: string; actor: Actor }
  | { type: "job_started"; stepId: string; attempt: number; phase: Exclude<JobPhase, "plan"> }
  | {
      type: "job_finished";
      stepId: string;
      attempt: number;
      phase: Exclude<JobPhase, "plan">;
      ok: boolean;
      output?: Record<string, unknown>;
      error?: string;
    }
  | { type: "approve"; stepId: string; actor: Actor; bindingHash: string }
  | { type: "refuse"; stepId: string; actor: Actor; bindingHash: string; comment: string }
  | { type: "retry"; stepId: string; actor: Actor }
  | { type: "skip"; stepId: string; actor: Actor; reason: string }
  | { type: "abort"; actor: Actor; reason: string }
  | { type: "interrupt"; stepId: string };

export type Effect =
  | { type: "enqueue"; stepId: string; attempt: number; phase: JobPhase; resumed: boolean; forApproval?: string }
  | { type: "audit"; eventType: string; outcome: AuditOutcome; stepId: string | null; meta: Record<string, unknown> }
  | { type: "void_approvals"; stepId: string; reason: string }
  | { type: "release_locks" };

export type Refusal = {
  code: "BAD_REQUEST" | "FORBIDDEN" | "CONFLICT" | "PRECONDITION_FAILED";
  message: string;
  field?: string;
};

export type TransitionResult = { ok: true; run: MachineRun; effects: Effect[] } | { ok: false; refusal: Refusal };

export type MachineContext = { definition: RunbookDefinition; now: number };

/**
 * A check that passed without verifying everything (no probe to call, say) puts why under this key
 * of its output: it does not turn green by itself; it waits for a person to confirm with evidence.
 */
export const CONFIRM_BY_HAND = "confirmByHand";

/** Why a check's result needs a person's confirmation, or null when the check verified everything. */
export function confirmByHandOf(output: Record<string, unknown> | null | undefined): string | null {
  const reason = output?.[CONFIRM_BY_HAND];
  return typeof reason === "string" && reason.trim() !== "" ? reason : null;
}

export const DONE_STEP_STATUSES: ReadonlySet<StepStatus> = new Set([
  "succeeded",
  "skipped",
  "not_applicable",
  "compensated",
]);
/** How a run ends: every step done, aborted by a person, or an approver refused it (a decision, not a failure). */
export const TERMINAL_RUN_STATUSES: ReadonlySet<RunStatus> = new Set(["succeeded", "cancelled", "refused"]);

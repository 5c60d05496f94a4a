import type { JobPhase } from "../machine/types";

/** One unit of automated work on a step: plan an action, run a check, execute or compensate. */
export type StepJob = {
  runId: string;
  stepId: string;
  attempt: number;
  phase: JobPhase;
  /** An interrupted attempt being resumed: same idempotency key as before. */
  resumed: boolean;
  /** Planning on behalf of the approval that covers this step. */
  forApproval?: string;
};

export interface JobQueue {
  enqueue(job: StepJob): Promise<void>;
}

export function idempotencyKeyOf(job: Pick<StepJob, "runId" | "stepId" | "attempt" | "phase">): string {
  return `${job.runId}:${job.stepId}:${job.attempt}:${job.phase}`;
}

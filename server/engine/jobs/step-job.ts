import type { Transaction } from "@/db/client";
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
  /**
   * Queues `job`. Given a transaction, the job is written in it: it exists exactly when the state
   * change that caused it commits. Call `wake()` after that commit. `group`: only instances serving
   * that worker group take it (null: any instance with workers).
   */
  enqueue(job: StepJob, tx?: Transaction, group?: string | null): Promise<void>;
  /** Tells this process's idle workers that jobs committed since their last look are waiting. */
  wake(): void;
  /** Whether `job` still waits in the queue, not yet taken by any worker (so it is not lost). */
  waiting?(job: StepJob): Promise<boolean>;
}

export function idempotencyKeyOf(job: Pick<StepJob, "runId" | "stepId" | "attempt" | "phase">): string {
  return `${job.runId}:${job.stepId}:${job.attempt}:${job.phase}`;
}

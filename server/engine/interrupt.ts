import { systemActor } from "../audit/actor";
import { AppError } from "../errors";
import { dispatch, type EngineDeps } from "./dispatch";
import type { StepJob } from "./jobs/step-job";

export type RunningJob = Pick<StepJob, "runId" | "stepId" | "attempt" | "phase">;

/**
 * Marks the step of `job` interrupted, provided that job is still the one running it (a step
 * retried since the caller looked runs a later job, which is left alone). False when it was not.
 */
export async function interruptJob(deps: EngineDeps, job: RunningJob): Promise<boolean> {
  return dispatch(deps, {
    runId: job.runId,
    command: { type: "interrupt", stepId: job.stepId },
    actor: systemActor(),
    alsoInTransaction: async (_tx, stored) => {
      const active = stored.steps.find((step) => step.stepId === job.stepId)?.activeJob;
      if (active?.attempt !== job.attempt || active.phase !== job.phase)
        throw new AppError("CONFLICT", "Another job runs this step now.");
    },
  }).then(
    () => true,
    (error: unknown) => {
      if (error instanceof AppError && (error.code === "CONFLICT" || error.code === "NOT_FOUND")) return false;
      throw error;
    },
  );
}

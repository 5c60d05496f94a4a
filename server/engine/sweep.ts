import { and, eq, inArray, isNull, lt, or } from "drizzle-orm";
import { runSteps } from "@/db/schema";
import { systemActor } from "../audit/actor";
import { getLogger } from "../observability/logger";
import { dispatch, type EngineDeps } from "./dispatch";
import type { StepJob } from "./jobs/step-job";

export type SweepOptions = {
  /** A running step whose worker has not beaten for this long is interrupted. */
  staleAfterMs: number;
  /** A queued or planning step untouched for this long has lost its job: queue it again. */
  requeueAfterMs: number;
};

export const DEFAULT_SWEEP: SweepOptions = { staleAfterMs: 20_000, requeueAfterMs: 30_000 };

/**
 * Keeps runs honest after a crash: steps whose worker died become interrupted (a person decides
 * what happens next), and jobs lost between commit and queueing are queued again. Runs at start
 * and every few seconds; safe to run from several instances at once.
 */
export async function sweepSteps(deps: EngineDeps, options: SweepOptions = DEFAULT_SWEEP): Promise<{ interrupted: number; requeued: number }> {
  const now = deps.now();
  const stale = new Date(now - options.staleAfterMs);
  const idle = new Date(now - options.requeueAfterMs);
  const active = await deps.db
    .select({ runId: runSteps.runId, stepId: runSteps.stepId, kind: runSteps.kind, status: runSteps.status, attempt: runSteps.attempt, activeJob: runSteps.activeJob, compensationAttempt: runSteps.compensationAttempt, heartbeatAt: runSteps.heartbeatAt, updatedAt: runSteps.updatedAt, coveredPlans: runSteps.coveredPlans })
    .from(runSteps)
    .where(
      or(
        and(inArray(runSteps.status, ["running", "compensating"]), or(isNull(runSteps.heartbeatAt), lt(runSteps.heartbeatAt, stale))),
        and(inArray(runSteps.status, ["queued", "planning", "compensating"]), lt(runSteps.updatedAt, idle)),
      ),
    );
  let interrupted = 0;
  let requeued = 0;
  for (const step of active) {
    const runningJob = step.status === "running" || (step.status === "compensating" && step.activeJob);
    if (runningJob && (!step.heartbeatAt || step.heartbeatAt < stale)) {
      const ok = await dispatch(deps, { runId: step.runId, command: { type: "interrupt", stepId: step.stepId }, actor: systemActor() })
        .then(() => true)
        .catch(() => false);
      if (ok) interrupted++;
      continue;
    }
    if (step.updatedAt >= idle) continue;
    for (const job of lostJobsOf(step)) {
      await deps.queue.enqueue(job);
      requeued++;
    }
    // Touch the step so the next sweep waits again before re-queueing.
    await deps.db
      .update(runSteps)
      .set({ updatedAt: new Date(now) })
      .where(and(eq(runSteps.runId, step.runId), eq(runSteps.stepId, step.stepId)));
  }
  if (interrupted + requeued > 0) getLogger().info({ interrupted, requeued }, "step sweep");
  return { interrupted, requeued };
}

function lostJobsOf(step: {
  runId: string;
  stepId: string;
  kind: string;
  status: string;
  attempt: number;
  compensationAttempt: number;
  coveredPlans: Record<string, { hash: string | null | "deferred" }> | null;
}): StepJob[] {
  const base = { runId: step.runId, resumed: false };
  switch (step.status) {
    case "queued":
      return [{ ...base, stepId: step.stepId, attempt: step.attempt, phase: step.kind === "check" ? "check" : "execute" }];
    case "compensating":
      return [{ ...base, stepId: step.stepId, attempt: step.compensationAttempt, phase: "compensate" }];
    case "planning":
      if (step.coveredPlans) {
        return Object.entries(step.coveredPlans)
          .filter(([, covered]) => covered.hash === null)
          .map(([stepId]) => ({ ...base, stepId, attempt: step.attempt, phase: "plan" as const, forApproval: step.stepId }));
      }
      return [{ ...base, stepId: step.stepId, attempt: step.attempt, phase: "plan" }];
    default:
      return [];
  }
}

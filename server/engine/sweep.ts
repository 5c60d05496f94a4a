import { and, eq, inArray, lt } from "drizzle-orm";
import { runSteps } from "@/db/schema";
import { getLogger } from "../observability/logger";
import type { EngineDeps } from "./dispatch";
import { interruptJob } from "./interrupt";
import { workerGroupOfJob } from "./jobs/step-group";
import { idempotencyKeyOf, type StepJob } from "./jobs/step-job";
import { loadRun } from "./run-state";

export type SweepOptions = {
  /** A queued or planning step untouched for this long has lost its job: queue it again. */
  requeueAfterMs: number;
};

export const DEFAULT_SWEEP: SweepOptions = { requeueAfterMs: 30_000 };

/**
 * Steps whose worker died become interrupted (a person decides what happens next): a running
 * step whose lease nobody holds has no worker (see leases/step-leases.ts). Cheap enough to run
 * every second; safe to run from several instances at once.
 */
export async function interruptOrphanedSteps(deps: EngineDeps): Promise<number> {
  const oldVersionAlive = new Date(deps.now() - OLD_VERSION_HEARTBEAT_MS);
  const active = await deps.db
    .select({
      runId: runSteps.runId,
      stepId: runSteps.stepId,
      status: runSteps.status,
      activeJob: runSteps.activeJob,
      heartbeatAt: runSteps.heartbeatAt,
    })
    .from(runSteps)
    .where(inArray(runSteps.status, ["running", "compensating"]));
  const jobs = active.flatMap((step) => {
    // A compensating step without an active job waits for its job to start: the re-queueing in sweepSteps looks after it.
    if (!step.activeJob) return [];
    // A worker of an older Keel version (during a rolling deploy) beats instead of holding a lease: alive while it beats.
    if (step.heartbeatAt && step.heartbeatAt > oldVersionAlive) return [];
    return [{ runId: step.runId, stepId: step.stepId, attempt: step.activeJob.attempt, phase: step.activeJob.phase }];
  });
  if (jobs.length === 0) return 0;
  const held = await deps.leases.held(jobs.map(idempotencyKeyOf));
  let interrupted = 0;
  for (const job of jobs) {
    if (held.has(idempotencyKeyOf(job))) continue;
    if (
      await interruptJob(deps, job).catch((error: unknown) =>
        getLogger().error({ err: error, runId: job.runId }, "could not interrupt a step without a worker"),
      )
    ) {
      getLogger().warn(
        { runId: job.runId, stepId: job.stepId, attempt: job.attempt, phase: job.phase },
        "step interrupted: no worker holds its lease",
      );
      interrupted++;
    }
  }
  return interrupted;
}

/** How long a heartbeat of an older version's worker (no lease; it beat every 5 s) proves it alive. */
const OLD_VERSION_HEARTBEAT_MS = 20_000;

/** How often each instance looks for running steps whose worker died. */
export const ORPHAN_SWEEP_EVERY_MS = 1000;

/**
 * A dead worker's lease is gone at once, so looking every second turns its step interrupted
 * within about a second plus one transaction. Returns the function that stops it.
 */
export function startOrphanSweep(deps: EngineDeps, everyMs = ORPHAN_SWEEP_EVERY_MS): () => void {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return; // a slow database: one sweep at a time
    busy = true;
    void interruptOrphanedSteps(deps)
      .catch((error: unknown) => getLogger().error({ err: error }, "orphaned step sweep failed"))
      .finally(() => (busy = false));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Keeps runs honest after a crash: steps without a worker become interrupted, and jobs lost
 * between commit and queueing are queued again. Runs at start and every few seconds; safe to run
 * from several instances at once.
 */
export async function sweepSteps(
  deps: EngineDeps,
  options: SweepOptions = DEFAULT_SWEEP,
): Promise<{ interrupted: number; requeued: number }> {
  const interrupted = await interruptOrphanedSteps(deps);
  const now = deps.now();
  const idle = new Date(now - options.requeueAfterMs);
  const waiting = await deps.db
    .select({
      runId: runSteps.runId,
      stepId: runSteps.stepId,
      kind: runSteps.kind,
      status: runSteps.status,
      attempt: runSteps.attempt,
      activeJob: runSteps.activeJob,
      compensationAttempt: runSteps.compensationAttempt,
      coveredPlans: runSteps.coveredPlans,
    })
    .from(runSteps)
    .where(and(inArray(runSteps.status, ["queued", "planning", "compensating"]), lt(runSteps.updatedAt, idle)));
  let requeued = 0;
  for (const step of waiting) {
    // A compensating step with an active job is running, not waiting.
    if (step.status === "compensating" && step.activeJob) continue;
    const jobs = lostJobsOf(step);
    // Into the queue of the step's worker group, as when it was first queued.
    const run = jobs.length > 0 ? await loadRun(deps.db, step.runId) : null;
    for (const job of jobs) {
      // Not lost, only waiting (for a busy worker, or for an instance of its worker group): queued once is enough.
      if (await deps.queue.waiting?.(job)) continue;
      const group = await workerGroupOfJob(deps.db, { definition: run!.definition, inputs: run!.row.inputs }, job);
      await deps.queue.enqueue(job, undefined, group);
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

/** The jobs a waiting step (queued, planning, compensating without an active job) waits for. */
export function lostJobsOf(step: {
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
      return [
        { ...base, stepId: step.stepId, attempt: step.attempt, phase: step.kind === "check" ? "check" : "execute" },
      ];
    case "compensating":
      return [{ ...base, stepId: step.stepId, attempt: step.compensationAttempt, phase: "compensate" }];
    case "planning":
      if (step.coveredPlans) {
        return Object.entries(step.coveredPlans)
          .filter(([, covered]) => covered.hash === null)
          .map(([stepId]) => ({
            ...base,
            stepId,
            attempt: step.attempt,
            phase: "plan" as const,
            forApproval: step.stepId,
          }));
      }
      return [{ ...base, stepId: step.stepId, attempt: step.attempt, phase: "plan" }];
    default:
      return [];
  }
}

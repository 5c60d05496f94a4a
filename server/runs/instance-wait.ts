import type { Queryable } from "@/db/client";
import { workerGroupOfJob } from "../engine/jobs/step-group";
import type { StoredRun } from "../engine/run-state";
import { lostJobsOf } from "../engine/sweep";
import { liveInstanceServes } from "../instances/queries";

const WAITING = new Set(["queued", "planning", "compensating"]);

export type InstanceWait = { stepId: string; group: string; message: string };

/**
 * A step of this run waiting for a job that only a worker group's instances take, when no live
 * instance serves that group: the run page says so instead of waiting silently.
 */
export async function instanceWaitOf(db: Queryable, stored: StoredRun): Promise<InstanceWait | null> {
  const run = { definition: stored.definition, inputs: stored.row.inputs };
  for (const step of stored.steps) {
    if (!WAITING.has(step.status) || (step.status === "compensating" && step.activeJob)) continue;
    for (const job of lostJobsOf(step)) {
      // A step whose targets conflict was refused when queued; the view never fails over it.
      const group = await workerGroupOfJob(db, run, job).catch(() => null);
      if (group === null || (await liveInstanceServes(db, group))) continue;
      return {
        stepId: step.stepId,
        group,
        message: `Waiting for an instance of worker group ${group}: none is running. Start one with KEEL_WORKER_GROUPS=${group}.`,
      };
    }
  }
  return null;
}

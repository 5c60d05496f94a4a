import { z } from "zod";

/** A worker group's name: what a target names in `workerGroup` and an instance lists in KEEL_WORKER_GROUPS. */
export const workerGroupName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, "use lower-case letters, digits and -, starting with a letter (at most 40)");

const STEP_QUEUE = "keel-steps";

/** The job queue of a worker group's steps; `null` is the queue of steps any instance may run. */
export function stepQueueOf(group: string | null): string {
  return group === null ? STEP_QUEUE : `${STEP_QUEUE}.${group}`;
}

import { getLogger } from "../observability/logger";
import { wakeQueuedRuns, type EngineDeps } from "./dispatch";
import { releaseLocksOfEndedRuns } from "./locks";

/**
 * Keeps resource locks moving after a crash, from any instance: locks still held by ended runs
 * are released, and queued runs whose locks are free start, oldest first (the process that
 * released their locks may have died before waking them).
 */
export async function sweepRunLocks(deps: EngineDeps): Promise<{ released: number; woken: number }> {
  const released = (await releaseLocksOfEndedRuns(deps.db)).length;
  const woken = await wakeQueuedRuns(deps);
  if (released + woken > 0) getLogger().info({ released, woken }, "lock sweep");
  return { released, woken };
}

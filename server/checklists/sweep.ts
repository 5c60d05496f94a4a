import type { Database } from "@/db/client";
import type { StepRegistry } from "../engine/registry";
import { getLogger } from "../observability/logger";
import { rerunStaleChecks } from "./verify-item";
import { expireWaivers } from "./waivers";
import { startPeriodic } from "../engine/periodic";
import { getEnv } from "../config/env";

export type ChecklistSweepResult = { expiredWaivers: number; checksRan: number; checksFailedToRun: number };

/** Expired waivers reopen their items; automated items whose result went stale run again. */
export async function sweepChecklists(
  db: Database,
  registry: StepRegistry,
  now = new Date(),
): Promise<ChecklistSweepResult> {
  const waivers = await expireWaivers(db, now);
  const checks = await rerunStaleChecks(db, registry, now);
  return { expiredWaivers: waivers.expired, checksRan: checks.ran, checksFailedToRun: checks.failed };
}

/** Sweeps now and then every minute (KEEL_CHECKLIST_SWEEP_MS); returns the stop function. */
export function startChecklistSweep(
  db: Database,
  registry: StepRegistry,
  everyMs = getEnv().KEEL_CHECKLIST_SWEEP_MS,
): () => void {
  return startPeriodic(() => sweepChecklists(db, registry), {
    everyMs,
    onError: (error) => getLogger().error({ err: error }, "checklist sweep failed"),
  });
}

import type { Database } from "@/db/client";
import type { StepRegistry } from "../engine/registry";
import { getLogger } from "../observability/logger";
import { rerunStaleChecks } from "./verify-item";
import { expireWaivers } from "./waivers";

export type ChecklistSweepResult = { expiredWaivers: number; checksRan: number; checksFailedToRun: number };

/** Expired waivers reopen their items; automated items whose result went stale run again. */
export async function sweepChecklists(db: Database, registry: StepRegistry, now = new Date()): Promise<ChecklistSweepResult> {
  const waivers = await expireWaivers(db, now);
  const checks = await rerunStaleChecks(db, registry, now);
  return { expiredWaivers: waivers.expired, checksRan: checks.ran, checksFailedToRun: checks.failed };
}

/** Sweeps now and then every minute (KEEL_CHECKLIST_SWEEP_MS); returns the stop function. */
export function startChecklistSweep(db: Database, registry: StepRegistry, everyMs = Number(process.env.KEEL_CHECKLIST_SWEEP_MS ?? 60_000)): () => void {
  let running = false;
  const sweep = () => {
    if (running) return;
    running = true;
    sweepChecklists(db, registry)
      .catch((error: unknown) => getLogger().error({ err: error }, "checklist sweep failed"))
      .finally(() => (running = false));
  };
  sweep();
  const timer = setInterval(sweep, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

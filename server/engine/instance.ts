import type { DatabaseHandle } from "@/db/client";
import { startAllowlistExpirySweep } from "../allowlist/expiry-sweep";
import { startAuditChain } from "../audit/run-chainer";
import { witnessFiles } from "../audit/witness";
import { startChecklistSweep } from "../checklists/sweep";
import { startSelfBackupSweep } from "../backups/self-backup";
import { startInstanceHeartbeat } from "../instances/registry";
import { getLogger } from "../observability/logger";
import { getEnv } from "../config/env";
import type { WorkerGroups } from "../config/worker-settings";
import { startRetentionSweep } from "../retention/sweep";
import { retireDueVersions } from "../secrets/rotation/retire";
import { highRiskCommand } from "../runs/high-risk";
import { createBuiltinRegistry } from "./builtins";
import type { EngineDeps } from "./dispatch";
import { PgBossQueue } from "./jobs/pg-boss-queue";
import { sweepRunLocks } from "./lock-sweep";
import { InFlightJobs } from "./jobs/in-flight";
import { stepLeasesFor } from "./leases/leases-for";
import { DEFAULT_SWEEP, startOrphanSweep, sweepSteps } from "./sweep";
import { runStepJob } from "./worker";

const GLOBAL_KEY = Symbol.for("keel.engine");
type GlobalWithEngine = typeof globalThis & { [GLOBAL_KEY]?: RunningEngine };

export type RunningEngine = {
  deps: EngineDeps;
  queue: PgBossQueue;
  /**
   * Stops taking jobs, lets the steps in flight finish for up to `graceMs`, hands back the ones
   * still running as interrupted, then stops everything else. Resolves whether all finished in time.
   */
  stop(options?: { graceMs?: number }): Promise<{ finishedInGrace: boolean }>;
};

/** How long stopped jobs get to record themselves as interrupted once the grace period is over. */
const HAND_BACK_MS = 10_000;

/**
 * Starts the run engine of this process: the job queue, its workers and the sweepers that turn
 * steps without a live worker (no one holds their lease) into interrupted ones and keep resource
 * locks moving. Kept on globalThis so that Next.js's bundle (the
 * tRPC routes) uses the same engine as the custom server that started it.
 */
export async function startEngine(
  handle: DatabaseHandle,
  options: { workers: number; groups?: WorkerGroups; sweepEveryMs?: number } = { workers: 4 },
): Promise<RunningEngine> {
  const jobsRetentionDays = getEnv().KEEL_RETENTION_JOBS_DAYS;
  // A web-only instance (no workers) serves no queue; one with workers serves its groups' queues, and the ungrouped one unless told not to.
  const served =
    options.workers > 0 ? (options.groups ?? { groups: [], ungrouped: true }) : { groups: [], ungrouped: false };
  const queue = new PgBossQueue(handle, jobsRetentionDays === 0 ? 36_500 : jobsRetentionDays, served);
  await queue.start();
  const deps: EngineDeps = {
    db: handle.db,
    registry: createBuiltinRegistry(),
    queue,
    leases: stepLeasesFor(handle),
    now: Date.now,
    highRisk: highRiskCommand,
  };
  const stopping = new AbortController();
  const inFlight = new InFlightJobs();
  if (options.workers > 0)
    await queue.work((job) => inFlight.track(() => runStepJob(deps, job, stopping.signal), job), options.workers);
  // Which instances are alive, with their groups, version and what they execute (Admin > Instances).
  const heartbeat = await startInstanceHeartbeat(handle.db, { workers: options.workers, ...served }, () =>
    inFlight.jobs(),
  );
  const stopOrphanSweep = startOrphanSweep(deps);
  const sweep = () => {
    void sweepSteps(deps, DEFAULT_SWEEP).catch((error: unknown) =>
      getLogger().error({ err: error }, "step sweep failed"),
    );
    // Locks of ended runs go back, and queued runs whose locks are free start (their waker may have died).
    void sweepRunLocks(deps).catch((error: unknown) => getLogger().error({ err: error }, "lock sweep failed"));
    // Previous secret values whose grace period ended are retired (see server/secrets/rotation/retire.ts).
    void retireDueVersions(deps.db).catch((error: unknown) =>
      getLogger().error({ err: error }, "secret retirement sweep failed"),
    );
  };
  sweep();
  const timer = setInterval(sweep, options.sweepEveryMs ?? 5000);
  timer.unref();
  // Committed audit rows are linked into the signed chain; checkpoints go to the witness files.
  const stopAuditChain = startAuditChain(
    handle.db,
    witnessFiles(getEnv().KEEL_DATA_DIR, getEnv().KEEL_AUDIT_WITNESS_DIR),
  );
  // Expired entries leave the sinks of the allowlists whose worker group this instance serves (a web-only one serves none).
  const stopAllowlistExpiry = startAllowlistExpirySweep(handle.db, (group) =>
    group === null ? served.ungrouped : served.groups.includes(group),
  );
  // Old operational data (step output, ended sessions, limiter rows, finished jobs); never the audit trail.
  const stopRetention = startRetentionSweep(handle.db, getEnv().KEEL_RETENTION_SWEEP_MINUTES * 60_000);
  // Expired checklist waivers reopen their items; stale automated items are checked again.
  const stopChecklistSweep = startChecklistSweep(handle.db, deps.registry);
  // Keel's own database, backed up every KEEL_SELF_BACKUP_HOURS (one instance per period), readable as the `keel` database target.
  const stopSelfBackup = startSelfBackupSweep(handle);
  const engine: RunningEngine = {
    deps,
    queue,
    async stop({ graceMs = 0 } = {}) {
      const log = getLogger();
      await queue
        .stopTaking()
        .catch((error: unknown) => log.error({ err: error }, "the job queue's workers did not stop taking jobs"));
      if (inFlight.size > 0) log.info({ jobs: inFlight.size, graceMs }, "waiting for the steps in flight to finish");
      const finishedInGrace = await inFlight.settled(graceMs);
      if (!finishedInGrace) {
        log.warn(
          { jobs: inFlight.size },
          "the grace period is over; the steps still running are handed back as interrupted",
        );
        stopping.abort(new Error("the process is stopping"));
        // An action that ignores its abort signal keeps its lease until the process exits; other instances then interrupt it.
        await inFlight.settled(HAND_BACK_MS);
      }
      clearInterval(timer);
      await heartbeat.stop();
      stopOrphanSweep();
      stopAllowlistExpiry();
      stopRetention();
      stopChecklistSweep();
      stopSelfBackup();
      await queue.stop().catch((error: unknown) => log.error({ err: error }, "stopping the job queue failed"));
      await stopAuditChain();
      await deps.leases.close();
      delete (globalThis as GlobalWithEngine)[GLOBAL_KEY];
      return { finishedInGrace };
    },
  };
  (globalThis as GlobalWithEngine)[GLOBAL_KEY] = engine;
  return engine;
}

/** The engine the custom server started, or null when none runs in this process. */
export function runningEngine(): RunningEngine | null {
  return (globalThis as GlobalWithEngine)[GLOBAL_KEY] ?? null;
}

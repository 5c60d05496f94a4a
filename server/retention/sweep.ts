import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { queryRows } from "@/db/execute";
import { getLogger } from "../observability/logger";
import { metrics } from "../observability/metrics";
import { retentionPolicyFromEnv, type RetentionPolicy } from "./policy";
import { startPeriodic } from "../engine/periodic";
import { sweepStalePartials } from "../backups/partial-files";

export const RETENTION_KINDS = ["stepOutput", "sessions", "rateLimits", "jobs", "backupPartials"] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];
export type RetentionResult = Record<RetentionKind, number>;

/**
 * One statement picks at most a batch of rows (`for update skip locked`, so two instances
 * sweeping at once take different rows and never wait on each other), deletes them and answers
 * how many went.
 */
async function deleteBatch(db: Queryable, statement: SQL): Promise<number> {
  const [row] = await queryRows<{ n: number }>(db, statement);
  return row?.n ?? 0;
}

async function deleteInBatches(db: Queryable, batchSize: number, statement: () => SQL): Promise<number> {
  let total = 0;
  for (;;) {
    const removed = await deleteBatch(db, statement());
    total += removed;
    if (removed < batchSize) return total;
  }
}

const at = (ms: number) => sql`${new Date(ms).toISOString()}::timestamptz`;

async function pgBossInstalled(db: Queryable): Promise<boolean> {
  const [row] = await queryRows<{ job: string | null; archive: string | null }>(
    db,
    sql`select to_regclass('pgboss.job')::text as job, to_regclass('pgboss.archive')::text as archive`,
  );
  return Boolean(row?.job && row.archive);
}

/**
 * Deletes operational data older than its retention: output of ended runs, ended sessions,
 * expired rate-limiter counters and finished pg-boss jobs, 1000 rows per statement until none is
 * left; and unfinished backup files untouched for an hour (backups/partial-files.ts). The audit trail is never touched (its trigger would refuse anyway). Safe with several
 * instances sweeping at once.
 */
export async function sweepRetention(
  db: Queryable,
  policy: RetentionPolicy = retentionPolicyFromEnv(),
  now: Date = new Date(),
): Promise<RetentionResult> {
  const n = policy.batchSize;
  const t = now.getTime();
  const removed: RetentionResult = { stepOutput: 0, sessions: 0, rateLimits: 0, jobs: 0, backupPartials: 0 };

  if (policy.stepOutputMs !== null) {
    const cutoff = at(t - policy.stepOutputMs);
    removed.stepOutput = await deleteInBatches(
      db,
      n,
      () => sql`
      with doomed as (
        select o.ctid from step_output_lines o join runs r on r.id = o.run_id
        where r.ended_at is not null and o.created_at < ${cutoff}
        limit ${n} for update of o skip locked
      ), gone as (delete from step_output_lines where ctid in (select ctid from doomed) returning 1)
      select count(*)::int as n from gone`,
    );
  }

  if (policy.sessionsMs !== null) {
    const cutoff = at(t - policy.sessionsMs);
    const idleCutoff = at(t - policy.sessionsMs - policy.sessionIdleTimeoutMs);
    removed.sessions = await deleteInBatches(
      db,
      n,
      () => sql`
      with doomed as (
        select id from sessions
        where revoked_at < ${cutoff} or expires_at < ${cutoff} or last_seen_at < ${idleCutoff}
        limit ${n} for update skip locked
      ), gone as (delete from sessions where id in (select id from doomed) returning 1)
      select count(*)::int as n from gone`,
    );
  }

  if (policy.rateLimitsMs !== null) {
    const cutoffEpochMs = t - policy.rateLimitsMs;
    removed.rateLimits = await deleteInBatches(
      db,
      n,
      () => sql`
      with doomed as (
        select key from rate_limits where expire is not null and expire < ${cutoffEpochMs}
        limit ${n} for update skip locked
      ), gone as (delete from rate_limits where key in (select key from doomed) returning 1)
      select count(*)::int as n from gone`,
    );
  }

  // pg-boss archives a finished job after 12 hours and drops archived ones after its deleteAfter
  // (set from the same retention in jobs/pg-boss-queue.ts); this removes what its maintenance
  // has not reached yet, so the retention holds even when no instance supervises the queue.
  if (policy.jobsMs !== null && (await pgBossInstalled(db))) {
    const cutoff = at(t - policy.jobsMs);
    const finishedJobs = await deleteInBatches(
      db,
      n,
      () => sql`
      with doomed as (
        select name, id from pgboss.job
        where state::text in ('completed', 'cancelled', 'failed') and completed_on < ${cutoff}
        limit ${n} for update skip locked
      ), gone as (delete from pgboss.job where (name, id) in (select name, id from doomed) returning 1)
      select count(*)::int as n from gone`,
    );
    const archivedJobs = await deleteInBatches(
      db,
      n,
      () => sql`
      with doomed as (
        select name, id from pgboss.archive
        where coalesce(completed_on, archived_on) < ${cutoff}
        limit ${n} for update skip locked
      ), gone as (delete from pgboss.archive where (name, id) in (select name, id from doomed) returning 1)
      select count(*)::int as n from gone`,
    );
    removed.jobs = finishedJobs + archivedJobs;
  }

  // Files, not rows: what a dump killed mid-way left in a database target's backup directory (often the dump's full size).
  removed.backupPartials = await sweepStalePartials(db, now);

  return removed;
}

/** Sweeps a minute after start and then every KEEL_RETENTION_SWEEP_MINUTES; returns the stop function. */
export function startRetentionSweep(db: Queryable, everyMs: number, firstAfterMs = 60_000): () => void {
  const log = getLogger().child({ job: "retention" });
  const sweep = async () => {
    const started = performance.now();
    const removed = await sweepRetention(db);
    const durationMs = Math.round(performance.now() - started);
    for (const kind of RETENTION_KINDS) metrics().retentionDeleted.inc({ kind }, removed[kind]);
    metrics().retentionSweeps.inc({ outcome: "succeeded" });
    log.info(
      { removed, total: RETENTION_KINDS.reduce((sum, kind) => sum + removed[kind], 0), durationMs },
      "retention sweep finished",
    );
  };
  return startPeriodic(sweep, {
    everyMs,
    firstAfterMs,
    onError: (error) => {
      metrics().retentionSweeps.inc({ outcome: "failed" });
      log.error({ err: error }, "retention sweep failed; trying again at the next interval");
    },
  });
}

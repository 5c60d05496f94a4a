import type pg from "pg";
import PgBoss from "pg-boss";
import { withAdvisoryLock } from "@/db/advisory-lock";
import type { DatabaseHandle, Transaction } from "@/db/client";
import { stepQueueOf } from "@/lib/worker-groups";
import { getLogger } from "../../observability/logger";
import type { JobQueue, StepJob } from "./step-job";
import { executorOn } from "./transaction-executor";

/** Every step queue's settings: a job is never retried by the queue (see the class comment). */
const QUEUE_OPTIONS = { policy: "standard", retryLimit: 0, expireInSeconds: 4 * 3600 };

/** Which queues this process takes jobs from: the worker groups it serves, and the ungrouped one unless told not to. */
export type ServedQueues = { groups: string[]; ungrouped: boolean };

/** pg-boss's SQL runs through Keel's own connection: the pg pool, or the one embedded PGlite. */
export function pgBossExecutor(handle: DatabaseHandle): PgBoss.Db {
  return {
    async executeSql(text: string, values: unknown[] = []) {
      const batch = values.length === 0 && text.trim().replace(/;\s*$/, "").includes(";");
      if (batch) return { rows: await execBatch(handle, text) };
      if (handle.raw.kind === "pglite") return { rows: (await handle.raw.client.query(text, values)).rows };
      return { rows: (await handle.raw.pool.query(text, values)).rows };
    },
  };
}

/**
 * A batch of statements (pg-boss's schema setup, written as BEGIN; …; COMMIT) on one session.
 * If a statement fails, the batch's transaction is rolled back here: otherwise the session would
 * stay in an aborted transaction and refuse everything after (on PGlite every other query shares
 * it; on the pool the next borrower of the connection would).
 */
async function execBatch(handle: DatabaseHandle, text: string): Promise<unknown[]> {
  if (handle.raw.kind === "pglite") {
    const client = handle.raw.client;
    try {
      return (await client.exec(text)).at(-1)?.rows ?? [];
    } catch (error) {
      await client.exec("ROLLBACK");
      throw error;
    }
  }
  const client = await handle.raw.pool.connect();
  let broken = false;
  try {
    const result = (await client.query(text)) as unknown as pg.QueryResult | pg.QueryResult[];
    return Array.isArray(result) ? (result.at(-1)?.rows ?? []) : result.rows;
  } catch (error) {
    // A connection that cannot even roll back is closed instead of going back to the pool.
    await client.query("ROLLBACK").catch(() => (broken = true));
    throw error;
  } finally {
    client.release(broken);
  }
}

/**
 * Durable step jobs in PostgreSQL (pg-boss). Jobs are never retried by the queue: when a worker
 * dies mid-step, the step becomes interrupted and a person decides (see sweep.ts).
 */
export class PgBossQueue implements JobQueue {
  private readonly boss: PgBoss;
  private readonly workerIds: string[] = [];
  private readonly handle: DatabaseHandle;
  private readonly served: string[];
  /** Queues known to exist; pg-boss refuses a job for a queue that was never created. */
  private readonly created = new Set<string>();

  /** `jobsRetentionDays`: pg-boss drops archived (finished) jobs after this many days; null keeps its default of 7. */
  constructor(
    handle: DatabaseHandle,
    jobsRetentionDays: number | null = null,
    served: ServedQueues = { groups: [], ungrouped: true },
  ) {
    this.handle = handle;
    this.served = [...(served.ungrouped ? [stepQueueOf(null)] : []), ...served.groups.map(stepQueueOf)];
    const retention = jobsRetentionDays === null ? {} : { deleteAfterDays: jobsRetentionDays };
    this.boss = new PgBoss({
      db: pgBossExecutor(handle),
      schema: "pgboss",
      supervise: true,
      schedule: false,
      ...retention,
    } as PgBoss.ConstructorOptions);
    this.boss.on("error", (error) => getLogger().error({ err: error }, "job queue error"));
  }

  /** One instance at a time: pg-boss's schema setup and createQueue deadlock when instances starting together run them at once. */
  async start(): Promise<void> {
    await withAdvisoryLock(this.handle, "keel-job-queue-setup", async () => {
      await this.boss.start();
      for (const queue of new Set([stepQueueOf(null), ...this.served])) {
        await this.boss.createQueue(queue, { name: queue, ...QUEUE_OPTIONS } as PgBoss.Queue);
        this.created.add(queue);
      }
    });
  }

  /** Runs `handler` for the jobs of every queue this process serves, `concurrency` at a time per queue. */
  async work(handler: (job: StepJob) => Promise<void>, concurrency = 4): Promise<void> {
    for (const queue of this.served) {
      for (let i = 0; i < concurrency; i++) {
        const id = await this.boss.work<StepJob>(
          queue,
          { pollingIntervalSeconds: 0.5, batchSize: 1 },
          async ([job]) => {
            if (job) await handler(job.data);
          },
        );
        this.workerIds.push(id);
      }
    }
  }

  /** Queues `job` for the instances serving `group` (null: any instance with workers). */
  async enqueue(job: StepJob, tx?: Transaction, group: string | null = null): Promise<void> {
    const queue = stepQueueOf(group);
    const db = tx ? executorOn(tx) : pgBossExecutor(this.handle);
    if (!this.created.has(queue)) {
      // In the same transaction as the job: a no-op once the queue exists (pg-boss's create_queue inserts ON CONFLICT DO NOTHING).
      await db.executeSql("SELECT pgboss.create_queue($1, $2)", [queue, JSON.stringify(QUEUE_OPTIONS)]);
      // Known only once committed: a transaction that rolls back takes the queue with it.
      if (!tx) this.created.add(queue);
    }
    await this.boss.send(queue, job, { retryLimit: 0, db });
    if (!tx) this.wake();
  }

  /**
   * Whether a job for the same step, attempt and phase waits in a step queue, not yet taken. A
   * taken one (active) may belong to a worker that died, so it does not count.
   */
  async waiting(job: StepJob): Promise<boolean> {
    const { rows } = await pgBossExecutor(this.handle).executeSql(
      `select 1 from pgboss.job
        where (name = $1 or name like $2) and state in ('created', 'retry')
          and data->>'runId' = $3 and data->>'stepId' = $4 and data->>'phase' = $5 and (data->>'attempt')::int = $6
          and coalesce(data->>'forApproval', '') = $7
        limit 1`,
      [
        stepQueueOf(null),
        `${stepQueueOf(null)}.%`,
        job.runId,
        job.stepId,
        job.phase,
        job.attempt,
        job.forApproval ?? "",
      ],
    );
    return rows.length > 0;
  }

  /** Wakes this process's idle workers now instead of at their next poll. */
  wake(): void {
    for (const id of this.workerIds) this.boss.notifyWorker(id);
  }

  /** Jobs waiting or running, for health and metrics. */
  async depth(): Promise<number> {
    let total = 0;
    for (const queue of new Set([stepQueueOf(null), ...this.served])) total += await this.boss.getQueueSize(queue);
    return total;
  }

  /** This process's workers fetch no more jobs; the ones they run go on. */
  async stopTaking(): Promise<void> {
    for (const id of this.workerIds) await this.boss.offWork({ id });
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }
}

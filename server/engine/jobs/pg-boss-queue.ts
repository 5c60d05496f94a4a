import PgBoss from "pg-boss";
import { withAdvisoryLock } from "@/db/advisory-lock";
import type { DatabaseHandle } from "@/db/client";
import { getLogger } from "../../observability/logger";
import type { JobQueue, StepJob } from "./step-job";

const QUEUE = "keel-steps";

/** pg-boss's SQL runs through Keel's own connection: the pg pool, or the one embedded PGlite. */
function executorFor(handle: DatabaseHandle): PgBoss.Db {
  return {
    async executeSql(text: string, values: unknown[] = []) {
      const multiStatement = values.length === 0 && text.trim().replace(/;\s*$/, "").includes(";");
      if (handle.raw.kind === "pglite") {
        if (multiStatement) {
          const results = await handle.raw.client.exec(text);
          return { rows: results.at(-1)?.rows ?? [] };
        }
        return { rows: (await handle.raw.client.query(text, values as unknown[])).rows as unknown[] };
      }
      const result = await handle.raw.pool.query(text, values as unknown[]);
      return { rows: Array.isArray(result) ? (result.at(-1)?.rows ?? []) : result.rows };
    },
  };
}

/**
 * Durable step jobs in PostgreSQL (pg-boss). Jobs are never retried by the queue: when a worker
 * dies mid-step, the step becomes interrupted and a person decides (see sweep.ts).
 */
export class PgBossQueue implements JobQueue {
  private readonly boss: PgBoss;
  private readonly workerIds: string[] = [];
  private readonly handle: DatabaseHandle;

  /** `jobsRetentionDays`: pg-boss drops archived (finished) jobs after this many days; null keeps its default of 7. */
  constructor(handle: DatabaseHandle, jobsRetentionDays: number | null = null) {
    this.handle = handle;
    const retention = jobsRetentionDays === null ? {} : { deleteAfterDays: jobsRetentionDays };
    this.boss = new PgBoss({ db: executorFor(handle), schema: "pgboss", supervise: true, schedule: false, ...retention } as PgBoss.ConstructorOptions);
    this.boss.on("error", (error) => getLogger().error({ err: error }, "job queue error"));
  }

  /** One instance at a time: pg-boss's schema setup and createQueue deadlock when instances starting together run them at once. */
  async start(): Promise<void> {
    await withAdvisoryLock(this.handle, "keel-job-queue-setup", async () => {
      await this.boss.start();
      await this.boss.createQueue(QUEUE, { name: QUEUE, retryLimit: 0, expireInSeconds: 4 * 3600 });
    });
  }

  /** Runs `handler` for jobs, `concurrency` at a time in this process. */
  async work(handler: (job: StepJob) => Promise<void>, concurrency = 4): Promise<void> {
    for (let i = 0; i < concurrency; i++) {
      const id = await this.boss.work<StepJob>(QUEUE, { pollingIntervalSeconds: 0.5, batchSize: 1 }, async ([job]) => {
        if (job) await handler(job.data);
      });
      this.workerIds.push(id);
    }
  }

  async enqueue(job: StepJob): Promise<void> {
    await this.boss.send(QUEUE, job, { retryLimit: 0 });
    // Wake this process's idle workers now instead of at their next poll.
    for (const id of this.workerIds) this.boss.notifyWorker(id);
  }

  /** Jobs waiting or running, for health and metrics. */
  async depth(): Promise<number> {
    return this.boss.getQueueSize(QUEUE);
  }

  /** This process's workers fetch no more jobs; the ones they run go on. */
  async stopTaking(): Promise<void> {
    for (const id of this.workerIds) await this.boss.offWork({ id });
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }
}

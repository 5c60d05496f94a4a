import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/execute";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { PgBossQueue, pgBossExecutor } from "./pg-boss-queue";
import type { StepJob } from "./step-job";

let handle: TestDatabase;
let queue: PgBossQueue;

beforeAll(async () => {
  handle = await createTestDatabase();
  queue = new PgBossQueue(handle);
  await queue.start();
}, 120_000);

afterAll(async () => {
  await queue.stop();
  await handle.drop();
});

const job = (stepId: string): StepJob => ({
  runId: "00000000-0000-4000-8000-000000000001",
  stepId,
  attempt: 1,
  phase: "execute",
  resumed: false,
});

async function queuedSteps(): Promise<string[]> {
  const rows = await queryRows<{ step: string }>(
    handle.db,
    sql`select data->>'stepId' as step from pgboss.job where name = 'keel-steps' order by created_on`,
  );
  return rows.map((r) => r.step);
}

class Rollback extends Error {}

describe("step jobs written in the caller's transaction", () => {
  it("exist once the transaction commits, with the job's data intact", async () => {
    await handle.db.transaction(async (tx) => {
      await queue.enqueue(job("committed"), tx);
      await tx.execute(sql`select 1`);
    });
    expect(await queuedSteps()).toContain("committed");
    const [row] = await queryRows<{ data: StepJob }>(
      handle.db,
      sql`select data from pgboss.job where data->>'stepId' = 'committed'`,
    );
    expect(row!.data).toEqual(job("committed"));
  });

  it("vanish with a transaction that rolls back", async () => {
    await expect(
      handle.db.transaction(async (tx) => {
        await queue.enqueue(job("rolled-back"), tx);
        throw new Rollback();
      }),
    ).rejects.toBeInstanceOf(Rollback);
    expect(await queuedSteps()).not.toContain("rolled-back");
  });

  it.runIf(Boolean(process.env.TEST_DATABASE_URL))("stay invisible to other sessions until the commit", async () => {
    let seenBeforeCommit: string[] = [];
    await handle.db.transaction(async (tx) => {
      await queue.enqueue(job("not-yet"), tx);
      seenBeforeCommit = await queuedSteps();
    });
    expect(seenBeforeCommit).not.toContain("not-yet");
    expect(await queuedSteps()).toContain("not-yet");
  });
});

describe("a failed batch of statements", () => {
  it("is rolled back, and the session goes on answering", async () => {
    const executor = pgBossExecutor(handle);
    await expect(
      executor.executeSql("BEGIN; CREATE TABLE batch_probe (id int); SELECT * FROM no_such_table; COMMIT;", []),
    ).rejects.toThrow(/no_such_table/);
    // On PGlite every query shares one session; on the pool, each connection must come back clean.
    for (let i = 0; i < 12; i++) {
      const { rows } = await executor.executeSql("select $1::int as n", [i]);
      expect(rows).toEqual([{ n: i }]);
    }
    const [table] = await queryRows<{ exists: boolean }>(
      handle.db,
      sql`select to_regclass('batch_probe') is not null as exists`,
    );
    expect(table!.exists).toBe(false);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { PgBossQueue } from "../engine/jobs/pg-boss-queue";
import { checkHealth } from "./check-health";

let handle: TestDatabase;
let queue: PgBossQueue;

beforeAll(async () => {
  handle = await createTestDatabase();
  queue = new PgBossQueue(handle);
  await queue.start();
}, 60_000);

afterAll(async () => {
  await queue.stop();
  await handle.drop();
});

describe(`health check (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("is healthy with a database that answers, every migration applied and the job queue answering", async () => {
    const report = await checkHealth({ handle: async () => handle, queue });
    expect(report.failed).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.parts.database.ok).toBe(true);
    expect(report.parts.migrations.detail).toBe("all committed migrations applied");
    expect(report.parts.jobQueue.detail).toMatch(/^answering; \d+ job\(s\) waiting or running$/);
  });

  it("names the job queue when none runs, or when it does not answer in time", async () => {
    expect((await checkHealth({ handle: async () => handle, queue: null })).failed).toEqual(["jobQueue"]);
    const hanging = { depth: () => new Promise<number>(() => undefined) };
    const report = await checkHealth({ handle: async () => handle, queue: hanging, timeoutMs: 150 });
    expect(report.ok).toBe(false);
    expect(report.failed).toEqual(["jobQueue"]);
    expect(report.parts.jobQueue.detail).toBe("no answer within 150 ms");
  });

  it("names the database and the migrations when the database is gone, without the driver's words", async () => {
    const gone = await createTestDatabase();
    await gone.drop();
    const report = await checkHealth({ handle: async () => gone, queue });
    expect(report.failed).toEqual(["database", "migrations"]);
    expect(report.parts.database.detail).toBe("failed (see the server log)");
  });
});

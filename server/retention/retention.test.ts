import { randomUUID } from "node:crypto";
import { asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { queryRows } from "@/db/execute";
import { auditEvents, rateLimits, runs, sessions, stepOutputLines } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { installRunbook } from "@/test/support/engine";
import { createTestUser } from "@/test/support/users";
import { systemActor } from "../audit/actor";
import { appendAuditEvent } from "../audit/append";
import { verifyAuditChain } from "../audit/verify";
import { PgBossQueue } from "../engine/jobs/pg-boss-queue";
import type { RetentionPolicy } from "./policy";
import { metrics } from "../observability/metrics";
import { startRetentionSweep, sweepRetention } from "./sweep";

const DAY = 86_400_000;
const driver = process.env.TEST_DATABASE_URL ? "postgres" : "pglite";

let handle: TestDatabase;
let userId: string;
let versionId: string;

const policy: RetentionPolicy = {
  stepOutputMs: 90 * DAY,
  sessionsMs: 30 * DAY,
  rateLimitsMs: DAY,
  jobsMs: 7 * DAY,
  sessionIdleTimeoutMs: DAY / 2,
  batchSize: 1000,
};

beforeAll(async () => {
  handle = await createTestDatabase();
  userId = (await createTestUser(handle.db, { role: "responder" })).user.id;
  await installRunbook(handle.db, {
    id: "retention-test",
    title: "Retention",
    summary: "s",
    risk: "low",
    steps: [{ id: "a", kind: "manual", title: "A", instructions: "Do it." }],
  });
  const [version] = await queryRows<{ id: string }>(
    handle.db,
    sql`select id from runbook_versions where runbook_id = 'retention-test'`,
  );
  versionId = version!.id;
  // pg-boss's own tables, as a running instance leaves them.
  const queue = new PgBossQueue(handle);
  await queue.start();
  await queue.stop();
}, 120_000);

afterAll(async () => {
  expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });
  await handle.drop();
});

async function newRun(endedAt: Date | null): Promise<string> {
  const [run] = await handle.db
    .insert(runs)
    .values({
      runbookId: "retention-test",
      runbookVersionId: versionId,
      status: endedAt ? "succeeded" : "running",
      inputs: {},
      inputsHash: "h",
      startedBy: userId,
      requestKey: randomUUID(),
      endedAt,
    })
    .returning({ id: runs.id });
  return run!.id;
}

async function addOutput(runId: string, lines: number, createdAt: Date): Promise<void> {
  const existing = await handle.db.select().from(stepOutputLines).where(eq(stepOutputLines.runId, runId));
  await handle.db.insert(stepOutputLines).values(
    Array.from({ length: lines }, (_, i) => ({
      runId,
      stepId: "a",
      attempt: 1,
      lineNo: existing.length + i + 1,
      stream: "stdout" as const,
      text: `line ${i}`,
      createdAt,
    })),
  );
}

async function outputOf(runId: string): Promise<number> {
  return (await handle.db.select().from(stepOutputLines).where(eq(stepOutputLines.runId, runId))).length;
}

async function addSession(values: {
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  revokedAt?: Date;
}): Promise<string> {
  const [row] = await handle.db
    .insert(sessions)
    .values({ userId, method: "password", ip: null, userAgent: null, ...values })
    .returning({ id: sessions.id });
  return row!.id;
}

async function addJob(state: "completed" | "failed" | "active" | "created", completedOn: Date | null): Promise<string> {
  const [row] = await queryRows<{ id: string }>(
    handle.db,
    sql`insert into pgboss.job (name, data, state, completed_on) values ('keel-steps', '{}'::jsonb, ${state}::pgboss.job_state, ${completedOn?.toISOString() ?? null}::timestamptz) returning id::text as id`,
  );
  return row!.id;
}

/** Moves a job into pg-boss's archive, as its maintenance does. */
async function archiveJob(id: string, archivedOn: Date): Promise<void> {
  await handle.db.execute(
    sql`insert into pgboss.archive select j.*, ${archivedOn.toISOString()}::timestamptz from pgboss.job j where j.id = ${id}::uuid`,
  );
  await handle.db.execute(sql`delete from pgboss.job where id = ${id}::uuid`);
}

async function jobExists(id: string): Promise<boolean> {
  const [row] = await queryRows<{ n: number }>(
    handle.db,
    sql`select ((select count(*) from pgboss.job where id = ${id}::uuid) + (select count(*) from pgboss.archive where id = ${id}::uuid))::int as n`,
  );
  return row!.n > 0;
}

describe(`retention of operational data (${driver})`, () => {
  it("deletes what is older than its retention, of each kind, and keeps the rest", async () => {
    const now = new Date();
    const ago = (days: number) => new Date(now.getTime() - days * DAY);

    const oldFinished = await newRun(ago(100));
    await addOutput(oldFinished, 5, ago(100));
    await addOutput(oldFinished, 2, ago(10)); // re-run output written recently stays
    const stillRunning = await newRun(null);
    await addOutput(stillRunning, 3, ago(100)); // a run that has not ended keeps its output
    const recentFinished = await newRun(ago(1));
    await addOutput(recentFinished, 4, ago(1));

    const revokedLongAgo = await addSession({
      createdAt: ago(60),
      lastSeenAt: ago(59),
      expiresAt: ago(-100),
      revokedAt: ago(45),
    });
    const expiredLongAgo = await addSession({ createdAt: ago(60), lastSeenAt: ago(31), expiresAt: ago(31) });
    const idleLongAgo = await addSession({ createdAt: ago(60), lastSeenAt: ago(40), expiresAt: ago(-100) });
    const revokedRecently = await addSession({
      createdAt: ago(20),
      lastSeenAt: ago(3),
      expiresAt: ago(-100),
      revokedAt: ago(2),
    });
    const live = await addSession({ createdAt: ago(1), lastSeenAt: now, expiresAt: ago(-6) });

    await handle.db.insert(rateLimits).values([
      { key: "retention:old", points: 3, expire: now.getTime() - 2 * DAY },
      { key: "retention:recent", points: 3, expire: now.getTime() - 3_600_000 },
      { key: "retention:open", points: 3, expire: now.getTime() + 60_000 },
      { key: "retention:forever", points: 3, expire: null },
    ]);

    const oldCompleted = await addJob("completed", ago(8));
    const oldFailed = await addJob("failed", ago(30));
    const recentCompleted = await addJob("completed", ago(1));
    const running = await addJob("active", null);
    const oldArchived = await addJob("completed", ago(9));
    await archiveJob(oldArchived, ago(8));
    const recentArchived = await addJob("completed", ago(2));
    await archiveJob(recentArchived, ago(1));

    const removed = await sweepRetention(handle.db, policy, now);
    expect(removed).toEqual({ stepOutput: 5, sessions: 3, rateLimits: 1, jobs: 3, backupPartials: 0 });

    expect(await outputOf(oldFinished)).toBe(2);
    expect(await outputOf(stillRunning)).toBe(3);
    expect(await outputOf(recentFinished)).toBe(4);
    const left = new Set((await handle.db.select({ id: sessions.id }).from(sessions)).map((s) => s.id));
    for (const id of [revokedLongAgo, expiredLongAgo, idleLongAgo]) expect(left.has(id)).toBe(false);
    for (const id of [revokedRecently, live]) expect(left.has(id)).toBe(true);
    expect(
      (
        await handle.db
          .select({ key: rateLimits.key })
          .from(rateLimits)
          .where(sql`${rateLimits.key} like 'retention:%'`)
      )
        .map((r) => r.key)
        .sort(),
    ).toEqual(["retention:forever", "retention:open", "retention:recent"]);
    for (const id of [oldCompleted, oldFailed, oldArchived]) expect(await jobExists(id)).toBe(false);
    for (const id of [recentCompleted, running, recentArchived]) expect(await jobExists(id)).toBe(true);

    // A second sweep finds nothing left to do.
    expect(await sweepRetention(handle.db, policy, now)).toEqual({
      stepOutput: 0,
      sessions: 0,
      rateLimits: 0,
      jobs: 0,
      backupPartials: 0,
    });
  });

  it("deletes in batches until nothing old is left, and keeps a kind whose retention is 0 (forever)", async () => {
    const now = new Date();
    const run = await newRun(new Date(now.getTime() - 200 * DAY));
    await addOutput(run, 23, new Date(now.getTime() - 200 * DAY));
    await handle.db
      .insert(rateLimits)
      .values(Array.from({ length: 7 }, (_, i) => ({ key: `batch:${i}`, points: 1, expire: now.getTime() - 3 * DAY })));

    const removed = await sweepRetention(handle.db, { ...policy, rateLimitsMs: null, batchSize: 5 }, now);
    expect(removed.stepOutput).toBe(23);
    expect(removed.rateLimits).toBe(0);
    expect(await outputOf(run)).toBe(0);
    expect(
      (
        await handle.db
          .select()
          .from(rateLimits)
          .where(sql`${rateLimits.key} like 'batch:%'`)
      ).length,
    ).toBe(7);
    await handle.db.delete(rateLimits).where(sql`${rateLimits.key} like 'batch:%'`);
  });

  it("shares the work when several instances sweep at once: every old row goes exactly once", async () => {
    const now = new Date();
    const run = await newRun(new Date(now.getTime() - 100 * DAY));
    await addOutput(run, 40, new Date(now.getTime() - 100 * DAY));
    await handle.db
      .insert(rateLimits)
      .values(Array.from({ length: 30 }, (_, i) => ({ key: `race:${i}`, points: 1, expire: now.getTime() - 3 * DAY })));

    const results = await Promise.all([1, 2, 3].map(() => sweepRetention(handle.db, { ...policy, batchSize: 4 }, now)));
    expect(results.reduce((sum, r) => sum + r.stepOutput, 0)).toBe(40);
    expect(results.reduce((sum, r) => sum + r.rateLimits, 0)).toBe(30);
    expect(await outputOf(run)).toBe(0);
    expect(
      await handle.db
        .select()
        .from(rateLimits)
        .where(sql`${rateLimits.key} like 'race:%'`),
    ).toEqual([]);
  });

  it("never touches the audit trail, however old its rows are", async () => {
    await handle.db.transaction((tx) =>
      appendAuditEvent(tx, systemActor(), {
        eventType: "retention.test",
        outcome: "success",
        entityType: "test",
        entityId: "audit-kept",
        meta: {},
      }),
    );
    const before = await handle.db.select().from(auditEvents).orderBy(asc(auditEvents.seq));
    expect(before.length).toBeGreaterThan(0);

    // Ten years from now, with the shortest retention of every kind: everything old goes, except audit rows.
    const farFuture = new Date(Date.now() + 3650 * DAY);
    const tiny: RetentionPolicy = {
      stepOutputMs: 1,
      sessionsMs: 1,
      rateLimitsMs: 1,
      jobsMs: 1,
      sessionIdleTimeoutMs: 1,
      batchSize: 1000,
    };
    const removed = await sweepRetention(handle.db, tiny, farFuture);
    expect(removed.sessions).toBeGreaterThan(0);

    expect(await handle.db.select().from(auditEvents).orderBy(asc(auditEvents.seq))).toEqual(before);
    expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true, count: before.length });
  });

  it("runs on its own once started, counting removed rows by kind in the metrics", async () => {
    const deleted = async () =>
      (await metrics().retentionDeleted.get()).values.find((v) => v.labels.kind === "rateLimits")?.value ?? 0;
    const sweeps = async () =>
      (await metrics().retentionSweeps.get()).values.find((v) => v.labels.outcome === "succeeded")?.value ?? 0;
    const [deletedBefore, sweepsBefore] = [await deleted(), await sweeps()];
    await handle.db
      .insert(rateLimits)
      .values(Array.from({ length: 3 }, (_, i) => ({ key: `started:${i}`, points: 1, expire: Date.now() - 3 * DAY })));
    const stop = startRetentionSweep(handle.db, 60_000, 0);
    try {
      await vi.waitFor(async () => expect(await sweeps()).toBe(sweepsBefore + 1), { timeout: 10_000 });
    } finally {
      stop();
    }
    expect(await deleted()).toBe(deletedBefore + 3);
    expect(
      await handle.db
        .select()
        .from(rateLimits)
        .where(sql`${rateLimits.key} like 'started:%'`),
    ).toEqual([]);
  });
});

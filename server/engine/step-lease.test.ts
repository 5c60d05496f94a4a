import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import os from "node:os";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, runSteps } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { createTestEngine, gates, installRunbook, type TestEngine } from "@/test/support/engine";
import {
  killStepWorker,
  startStepWorker,
  stepStatus,
  waitForStatus,
  waitWhileStatus,
} from "@/test/support/step-workers";
import { callerAs, createTestUser } from "@/test/support/users";
import { idempotencyKeyOf, type StepJob } from "./jobs/step-job";
import { stepLeasesFor } from "./leases/leases-for";
import { LeaseBusy, type StepLeases } from "./leases/step-leases";
import { interruptOrphanedSteps, startOrphanSweep } from "./sweep";
import { runStepJob } from "./worker";

/** Longer than the 20 s heartbeat after which Keel used to interrupt a step. */
const BLOCK_MS = 22_000;

const held = {
  id: "held",
  title: "Held",
  summary: "One action held mid-way.",
  risk: "low",
  inputs: [],
  steps: [
    {
      id: "apply",
      kind: "action",
      title: "Apply",
      action: "test.record-effect",
      input: { label: "held", gate: "forever" },
    },
  ],
};

const busy = {
  id: "busy",
  title: "Busy",
  summary: "One action that keeps its worker's thread busy.",
  risk: "low",
  inputs: [],
  steps: [{ id: "spin", kind: "action", title: "Spin", action: "test.block-event-loop", input: { ms: BLOCK_MS } }],
};

let handle: TestDatabase;
let engine: TestEngine;
let leases: StepLeases;

beforeAll(async () => {
  handle = await createTestDatabase();
  leases = stepLeasesFor(handle);
  engine = await createTestEngine(handle.db, leases);
  await installRunbook(handle.db, held);
  await installRunbook(handle.db, busy);
});

afterAll(async () => {
  await leases.close();
  await handle.drop();
});

/** Starts a run of `runbookId` and asks for its first step's execution; returns the job a worker would take. */
async function executionJob(runbookId: string, stepId: string): Promise<{ runId: string; job: StepJob }> {
  const caller = await callerAs(handle.db, (await createTestUser(handle.db, { role: "responder" })).user, engine);
  const { runId } = await caller.runs.start({ runbookId, inputs: {}, requestKey: randomUUID() });
  await engine.drain();
  await caller.runs.execute({ runId, stepId });
  const job = engine.queue.jobs.shift()!;
  expect(job).toMatchObject({ runId, stepId, phase: "execute" });
  return { runId, job };
}

async function interruptions(runId: string): Promise<number> {
  const rows = await handle.db
    .select({ id: auditEvents.id })
    .from(auditEvents)
    .where(and(eq(auditEvents.entityId, runId), eq(auditEvents.eventType, "step.interrupted")));
  return rows.length;
}

/** A process per core that does nothing but spin, so the machine has no idle CPU. */
function saturateCpus(): ChildProcess[] {
  return Array.from({ length: os.availableParallelism() }, () =>
    spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }),
  );
}

describe(`step leases (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("one worker at a time holds a job's lease; given back, another may take it", async () => {
    const key = `lease-test:${randomUUID()}`;
    // On PostgreSQL, a second set of leases is a second process's (a connection of its own); on PGlite there is one process.
    const other = handle.driverName === "postgres" ? stepLeasesFor(handle) : leases;
    try {
      const release = await leases.hold(key);
      await expect(other.hold(key)).rejects.toBeInstanceOf(LeaseBusy);
      expect(await other.held([key, `${key}-other`])).toEqual(new Set([key]));
      await release();
      expect(await other.held([key])).toEqual(new Set());
      const again = await other.hold(key);
      expect(await leases.held([key])).toEqual(new Set([key]));
      await again();
    } finally {
      if (other !== leases) await other.close();
    }
  });

  it("a running step without a lease but with a fresh heartbeat (a worker of an older version, mid rolling deploy) is left alone until it stops beating", async () => {
    const { runId, job } = await executionJob("held", "apply");
    gates.set("forever", { reached: () => undefined, release: new Promise(() => undefined) });
    const stopping = new AbortController();
    const running = runStepJob(engine, job, stopping.signal);
    await waitForStatus(handle.db, runId, "apply", "running", 10_000);
    const [leased] = await handle.db
      .select({ heartbeatAt: runSteps.heartbeatAt })
      .from(runSteps)
      .where(eq(runSteps.runId, runId));
    expect(leased!.heartbeatAt).toBeNull(); // a leased worker does not beat
    // Another instance, which holds no lease, sees what an older version's worker leaves: a heartbeat.
    const other = await createTestEngine(handle.db);
    const beat = (ageMs: number) =>
      handle.db
        .update(runSteps)
        .set({ heartbeatAt: new Date(Date.now() - ageMs) })
        .where(eq(runSteps.runId, runId));
    await beat(2000);
    expect(await interruptOrphanedSteps(other)).toBe(0);
    expect(await stepStatus(handle.db, runId, "apply")).toBe("running");
    await beat(25_000);
    expect(await interruptOrphanedSteps(other)).toBe(1);
    expect(await stepStatus(handle.db, runId, "apply")).toBe("interrupted");
    stopping.abort(new Error("the test is over"));
    await running;
    expect(await interruptions(runId)).toBe(1);
  });
});

// PostgreSQL only: on embedded PGlite one process owns the database, so there is no other instance to notice a death.
describe.runIf(process.env.TEST_DATABASE_URL)("step leases between processes (postgres)", () => {
  it("a killed worker's step is interrupted within 5 s by another instance's sweep", async () => {
    const { runId, job } = await executionJob("held", "apply");
    const stopSweep = startOrphanSweep(engine);
    const worker = startStepWorker(handle.target, job);
    try {
      await worker.reached;
      expect(await leases.held([idempotencyKeyOf(job)])).toEqual(new Set([idempotencyKeyOf(job)]));
      expect(await stepStatus(handle.db, runId, "apply")).toBe("running");

      const killedAt = Date.now();
      await killStepWorker(worker);
      expect(await waitWhileStatus(handle.db, runId, "apply", "running", 5000)).toBe("interrupted");
      const elapsed = Date.now() - killedAt;
      expect(elapsed).toBeLessThan(5000);
      expect(await interruptions(runId)).toBe(1);
    } finally {
      stopSweep();
      await killStepWorker(worker);
    }
  }, 60_000);

  it("a lease connection that is cut takes its leases again within seconds", async () => {
    const key = `lease-test:${randomUUID()}`;
    const release = await leases.hold(key);
    try {
      const { rows } = (await handle.db.execute(
        sql`select pg_terminate_backend(pid) as ended from pg_stat_activity where application_name = 'keel step leases' and datname = current_database()`,
      )) as unknown as { rows: { ended: boolean }[] };
      expect(rows.map((row) => row.ended)).toEqual([true]);
      const deadline = Date.now() + 5000;
      while (!(await leases.held([key])).has(key)) {
        expect(Date.now()).toBeLessThan(deadline);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await release();
    }
    expect(await leases.held([key])).toEqual(new Set());
  }, 30_000);

  it("a live worker whose machine is saturated and whose event loop is blocked past 20 s keeps its step", async () => {
    const { runId, job } = await executionJob("busy", "spin");
    const stopSweep = startOrphanSweep(engine);
    const hogs = saturateCpus();
    const worker = startStepWorker(handle.target, job);
    try {
      await worker.reached;
      const blockedAt = Date.now();
      await worker.done;
      expect(Date.now() - blockedAt).toBeGreaterThanOrEqual(BLOCK_MS - 1000);
      expect(await worker.exited).toBe("exit code 0");
    } finally {
      for (const hog of hogs) hog.kill("SIGKILL");
      stopSweep();
      await killStepWorker(worker);
    }
    // Sweeps ran all along (every second, from this process): none saw the step without its worker.
    expect(await stepStatus(handle.db, runId, "spin")).toBe("succeeded");
    expect(await interruptions(runId)).toBe(0);
    // Its worker wrote nothing for longer than the old 20 s heartbeat limit, which would have interrupted it.
    const [step] = await handle.db
      .select({ startedAt: runSteps.startedAt, endedAt: runSteps.endedAt })
      .from(runSteps)
      .where(eq(runSteps.runId, runId));
    expect(step!.endedAt!.getTime() - step!.startedAt!.getTime()).toBeGreaterThan(20_000);
  }, 90_000);
});

import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionExecutions, auditEvents, runSteps } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { countRows, createTestEngine, gates, installRunbook, type TestEngine } from "@/test/support/engine";
import { callerAs, createTestUser } from "@/test/support/users";
import { verifyAuditChain } from "../audit/verify";
import { sweepSteps } from "./sweep";
import { runStepJob } from "./worker";

let handle: TestDatabase;
let engine: TestEngine;

const twoActions = {
  id: "two-actions",
  title: "Two actions",
  summary: "Two compensable actions, then a manual check.",
  risk: "high",
  inputs: [
    { name: "label", label: "Label", type: "string" },
    { name: "gate", label: "Gate", type: "string", required: false },
  ],
  locks: [{ key: "resource:{{inputs.label}}", onBusy: "wait" }],
  steps: [
    {
      id: "first",
      kind: "action",
      title: "First",
      action: "test.record-effect",
      input: { label: "{{inputs.label}}-1", gate: "{{inputs.gate}}" },
      compensation: { action: "test.undo-effect", input: { label: "{{inputs.label}}-1" } },
    },
    {
      id: "second",
      kind: "action",
      title: "Second",
      action: "test.record-effect",
      input: { label: "{{inputs.label}}-2" },
      compensation: { action: "test.undo-effect", input: { label: "{{inputs.label}}-2" } },
    },
    { id: "look", kind: "manual", title: "Look", instructions: "Check the dashboards." },
  ],
};

const exclusive = {
  id: "exclusive",
  title: "Exclusive",
  summary: "Refuses to start while another run holds its lock.",
  risk: "low",
  inputs: [{ name: "label", label: "Label", type: "string" }],
  locks: [{ key: "resource:{{inputs.label}}", onBusy: "refuse" }],
  steps: [{ id: "note", kind: "manual", title: "Note", instructions: "Write it down." }],
};

beforeAll(async () => {
  handle = await createTestDatabase();
  engine = await createTestEngine(handle.db);
  await handle.db.execute(sql`alter table test_undone add column if not exists id serial`);
  await installRunbook(handle.db, twoActions);
  await installRunbook(handle.db, exclusive);
});

afterAll(async () => {
  expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });
  await handle.drop();
});

async function responder() {
  return callerAs(handle.db, (await createTestUser(handle.db, { role: "responder" })).user, engine);
}

/** Plans and executes the current action step. */
async function executeCurrent(caller: Awaited<ReturnType<typeof responder>>, runId: string, stepId: string) {
  await engine.drain();
  await caller.runs.execute({ runId, stepId });
}

describe(`durable execution (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("fails closed: when the intent cannot be recorded, the action never runs", async () => {
    const caller = await responder();
    const { runId } = await caller.runs.start({
      runbookId: "two-actions",
      inputs: { label: "closed" },
      requestKey: randomUUID(),
    });
    await executeCurrent(caller, runId, "first");
    await handle.db.execute(
      sql`alter table audit_events add constraint refuse_step_started check (event_type <> 'step.started')`,
    );
    try {
      await engine.drain();
    } finally {
      await handle.db.execute(sql`alter table audit_events drop constraint refuse_step_started`);
    }
    expect(await countRows(handle.db, "test_effect_calls", "closed-1")).toBe(0);
    expect(await handle.db.select().from(actionExecutions).where(eq(actionExecutions.runId, runId))).toEqual([]);
    const view = await caller.runs.get({ runId });
    expect(view.steps[0]!.status).toBe("queued");
  });

  it("a step whose worker is gone is interrupted; the lost worker's late result is refused; retry resumes it and the effect happens once", async () => {
    const caller = await responder();
    let reached!: () => void;
    let release!: () => void;
    const reachedGate = new Promise<void>((resolve) => (reached = resolve));
    gates.set("crash", { reached, release: new Promise<void>((resolve) => (release = resolve)) });
    const { runId } = await caller.runs.start({
      runbookId: "two-actions",
      inputs: { label: "crash", gate: "crash" },
      requestKey: randomUUID(),
    });
    await executeCurrent(caller, runId, "first");

    const job = engine.queue.jobs.shift()!;
    const lost = runStepJob(engine, job);
    await reachedGate;
    // While its worker holds the lease, no sweep touches the step.
    expect(await sweepSteps(engine, { requeueAfterMs: 3_600_000 })).toMatchObject({ interrupted: 0 });
    expect((await caller.runs.get({ runId })).steps[0]!.status).toBe("running");

    // Another process, which does not hold the lease, sweeps: as after a crash of the first.
    const restarted = await createTestEngine(handle.db);
    expect(await sweepSteps(restarted, { requeueAfterMs: 3_600_000 })).toMatchObject({ interrupted: 1 });
    let view = await caller.runs.get({ runId });
    expect(view.status).toBe("interrupted");
    expect(view.steps[0]!.can.retry).toBe(true);

    release();
    await lost;
    view = await caller.runs.get({ runId });
    expect(view.steps[0]!.status).toBe("interrupted"); // its result came too late to count

    gates.set("crash", { reached: () => undefined, release: Promise.resolve() });
    await caller.runs.retry({ runId, stepId: "first" });
    await engine.drain();
    view = await caller.runs.get({ runId });
    expect(view.steps[0]!.status).toBe("succeeded");
    expect(await countRows(handle.db, "test_effect_calls", "crash-1")).toBe(2); // called twice…
    expect(await countRows(handle.db, "test_effects", "crash-1")).toBe(1); // …applied once
    const [execution] = await handle.db.select().from(actionExecutions).where(eq(actionExecutions.runId, runId));
    expect(execution).toMatchObject({ status: "succeeded", resumed: true, attempt: 1 });
  });

  it("queues a second run behind a lock and starts it when the first ends; refuses where the runbook says so", async () => {
    const caller = await responder();
    const first = await caller.runs.start({
      runbookId: "two-actions",
      inputs: { label: "shared" },
      requestKey: randomUUID(),
    });
    const second = await caller.runs.start({
      runbookId: "two-actions",
      inputs: { label: "shared" },
      requestKey: randomUUID(),
    });
    expect(second.status).toBe("queued");
    const waiting = await caller.runs.get({ runId: second.runId });
    expect(waiting.locks.waitingBehind).toEqual([
      expect.objectContaining({
        key: "resource:shared",
        runNumber: (await caller.runs.get({ runId: first.runId })).number,
      }),
    ]);

    const refused = await caller.runs
      .start({ runbookId: "exclusive", inputs: { label: "shared" }, requestKey: randomUUID() })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "CONFLICT" });
    expect((refused as Error).message).toContain("resource:shared is in use by run");
    const [audit] = await handle.db.select().from(auditEvents).where(eq(auditEvents.eventType, "run.start_refused"));
    expect(audit).toMatchObject({ outcome: "refused" });

    await caller.runs.abort({ runId: first.runId, reason: "Make room" });
    await engine.drain();
    expect((await caller.runs.get({ runId: first.runId })).status).toBe("cancelled");
    const started = await caller.runs.get({ runId: second.runId });
    expect(started.locks.waitingBehind).toEqual([]);
    expect(started.steps[0]!.status).toBe("waiting_operator"); // planned, waiting for someone to execute it
    expect(started.status).toBe("waiting_operator");
  });

  it("abort undoes completed steps newest first, after the step in flight finishes", async () => {
    const caller = await responder();
    const { runId } = await caller.runs.start({
      runbookId: "two-actions",
      inputs: { label: "undo" },
      requestKey: randomUUID(),
    });
    await executeCurrent(caller, runId, "first");
    await engine.drain();
    await executeCurrent(caller, runId, "second");
    await engine.drain();
    expect((await caller.runs.get({ runId })).currentStepId).toBe("look");
    const view = await caller.runs.get({ runId });
    expect(view.can.compensations.map((c) => c.stepId)).toEqual(["second", "first"]);

    await caller.runs.abort({ runId, reason: "Rolled back by the lead" });
    await engine.drain();
    const ended = await caller.runs.get({ runId });
    expect(ended.status).toBe("cancelled");
    expect(ended.steps.map((s) => s.status)).toEqual(["compensated", "compensated", "skipped"]);
    const undone = (await handle.db.execute(
      sql`select label from test_undone where label like 'undo-%' order by id`,
    )) as unknown as { rows: { label: string }[] };
    expect(undone.rows.map((r) => r.label)).toEqual(["undo-2", "undo-1"]);
  });

  it("queues again a job lost between commit and queueing", async () => {
    const caller = await responder();
    const { runId } = await caller.runs.start({
      runbookId: "two-actions",
      inputs: { label: "lost" },
      requestKey: randomUUID(),
    });
    engine.queue.jobs.length = 0; // the plan job never reached the queue
    engine.clock.now = Date.now() + 120_000;
    const swept = await sweepSteps(engine, { requeueAfterMs: 30_000 });
    engine.clock.now = Date.now();
    expect(swept.requeued).toBeGreaterThanOrEqual(1);
    expect(engine.queue.jobs).toContainEqual(expect.objectContaining({ runId, stepId: "first", phase: "plan" }));
    await engine.drain();
    const [step] = await handle.db.select().from(runSteps).where(eq(runSteps.runId, runId));
    expect(step!.status).toBe("waiting_operator");
  });
});

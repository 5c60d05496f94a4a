import { randomUUID } from "node:crypto";
import { getEventListeners } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { createTestEngine, gates, installRunbook, type TestEngine } from "@/test/support/engine";
import { callerAs, createTestUser } from "@/test/support/users";
import { idempotencyKeyOf } from "./jobs/step-job";
import { runStepJob } from "./worker";

let handle: TestDatabase;
let engine: TestEngine;

const flagRunbook = {
  id: "flag",
  title: "Flag",
  summary: "One automated check.",
  risk: "low",
  inputs: [],
  steps: [{ id: "flag", kind: "check", title: "Flag", check: "test.flag", input: { pass: true } }],
};

const heldRunbook = {
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
      input: { label: "held", gate: "held" },
    },
  ],
};

beforeAll(async () => {
  handle = await createTestDatabase();
  engine = await createTestEngine(handle.db);
  await installRunbook(handle.db, flagRunbook);
  await installRunbook(handle.db, heldRunbook);
});

afterAll(async () => {
  await handle.drop();
});

describe(`the engine-wide stop signal and step jobs (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("a finished job leaves no listener on the engine's signal, however many run", async () => {
    const caller = await callerAs(handle.db, (await createTestUser(handle.db, { role: "responder" })).user, engine);
    const stopping = new AbortController();
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      for (let i = 0; i < 30; i++) await caller.runs.start({ runbookId: "flag", inputs: {}, requestKey: randomUUID() });
      expect(await engine.drain(stopping.signal)).toBe(30);
      expect(getEventListeners(stopping.signal, "abort")).toHaveLength(0);
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
  });

  it("still stops a job in flight when the engine stops", async () => {
    const caller = await callerAs(handle.db, (await createTestUser(handle.db, { role: "responder" })).user, engine);
    const { runId } = await caller.runs.start({ runbookId: "held", inputs: {}, requestKey: randomUUID() });
    await engine.drain();
    await caller.runs.execute({ runId, stepId: "apply" });
    const job = engine.queue.jobs.shift()!;
    const stopping = new AbortController();
    const reached = new Promise<void>((resolve) =>
      gates.set("held", { reached: resolve, release: new Promise(() => undefined) }),
    );
    const running = runStepJob(engine, job, stopping.signal);
    await reached;
    expect(getEventListeners(stopping.signal, "abort")).toHaveLength(1);
    stopping.abort(new Error("the process is stopping"));
    await running;
    // Stopped, not failed: the worker hands the step back as interrupted, and a person decides.
    const view = await caller.runs.get({ runId });
    expect(view.steps[0]!.status).toBe("interrupted");
    expect(view.status).toBe("interrupted");
    // And gives its lease back, so nothing in this process claims the step any more.
    expect(await engine.leases.held([idempotencyKeyOf(job)])).toEqual(new Set());
    expect(getEventListeners(stopping.signal, "abort")).toHaveLength(0);
  });
});

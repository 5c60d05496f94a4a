import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { createTestEngine, installRunbook, type TestEngine } from "@/test/support/engine";
import { callerAs, createTestUser } from "@/test/support/users";

let handle: TestDatabase;
let engine: TestEngine;

beforeAll(async () => {
  handle = await createTestDatabase();
  engine = await createTestEngine(handle.db);
  await installRunbook(handle.db, {
    id: "look-around",
    title: "Look around",
    summary: "One manual step.",
    risk: "low",
    steps: [{ id: "look", kind: "manual", title: "Look at the dashboards", instructions: "Look at them." }],
  });
});

afterAll(async () => {
  await handle.drop();
});

describe("run counts (what an empty Runs tab points to)", () => {
  it("counts the runs still going and the runs that ended, for any viewer", async () => {
    const { user: responder } = await createTestUser(handle.db, { role: "responder" });
    const { user: viewer } = await createTestUser(handle.db, { role: "viewer" });
    const call = await callerAs(handle.db, responder, engine);
    const watch = await callerAs(handle.db, viewer, engine);
    expect(await watch.runs.counts()).toEqual({ active: 0, ended: 0 });

    const start = () => call.runs.start({ runbookId: "look-around", inputs: {}, requestKey: randomUUID() });
    const finished = await start();
    await call.runs.confirm({ runId: finished.runId, stepId: "look", note: "All quiet" });
    await engine.drain();
    const aborted = await start();
    await call.runs.abort({ runId: aborted.runId, reason: "Started by mistake" });
    await engine.drain();
    await start();

    expect(await watch.runs.counts()).toEqual({ active: 1, ended: 2 });
    // The Active tab is the one that was empty before; the counts agree with what the tabs list.
    expect((await watch.runs.list({ filter: "ended" })).length).toBe(2);
    expect((await watch.runs.list({ filter: "active" })).length).toBe(1);
  });
});

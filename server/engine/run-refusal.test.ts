import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { countRows, createTestEngine, installRunbook, type TestEngine } from "@/test/support/engine";
import { callerAs, createTestUser } from "@/test/support/users";
import { verifyAuditChain } from "../audit/verify";
import { restartValuesOf } from "../runs/restart-values";
import { failureBuckets, runbookSummaries, runTrend } from "../telemetry/queries";

let handle: TestDatabase;
let engine: TestEngine;

/** An undoable change, then an approval for the action after it. */
const guarded = {
  id: "guarded-change",
  title: "Guarded change",
  summary: "Prepares, asks a lead, then applies.",
  risk: "high",
  inputs: [
    { name: "label", label: "Label", type: "string" },
    { name: "token", label: "Token", type: "secret", required: false },
  ],
  locks: [{ key: "guarded:{{inputs.label}}", onBusy: "refuse" }],
  steps: [
    {
      id: "prepare",
      kind: "action",
      title: "Prepare {{inputs.label}}",
      action: "test.record-effect",
      input: { label: "prep-{{inputs.label}}" },
      compensation: { action: "test.undo-effect", input: { label: "prep-{{inputs.label}}" } },
    },
    { id: "approve", kind: "approval", title: "A lead approves" },
    {
      id: "apply",
      kind: "action",
      title: "Apply {{inputs.label}}",
      action: "test.record-effect",
      input: { label: "{{inputs.label}}" },
    },
  ],
};

beforeAll(async () => {
  handle = await createTestDatabase();
  engine = await createTestEngine(handle.db);
  await installRunbook(handle.db, guarded);
});

afterAll(async () => {
  expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });
  await handle.drop();
});

async function startedToApproval(label: string) {
  const responderUser = (await createTestUser(handle.db, { role: "responder" })).user;
  const leadUser = (await createTestUser(handle.db, { role: "lead" })).user;
  const responder = await callerAs(handle.db, responderUser, engine);
  const lead = await callerAs(handle.db, leadUser, engine);
  const { runId } = await responder.runs.start({
    runbookId: "guarded-change",
    inputs: { label, token: "s3cret-value" },
    requestKey: randomUUID(),
  });
  await engine.drain();
  await responder.runs.execute({ runId, stepId: "prepare" });
  await engine.drain();
  const view = await lead.runs.get({ runId });
  expect(view.status).toBe("waiting_approval");
  return { runId, responder, lead, leadUser, view };
}

describe(`a refused approval (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("cannot be skipped while the action after it needs it, and the approval says so before anyone presses anything", async () => {
    const { runId, lead, view } = await startedToApproval("skip-me");
    const approval = view.steps.find((s) => s.id === "approve")!;
    expect(approval.neededBy).toEqual(["Apply skip-me"]);
    expect(approval.can).toMatchObject({ decide: true, skip: false });
    await expect(lead.runs.skip({ runId, stepId: "approve", reason: "no second lead around" })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message:
        "This approval cannot be skipped: the action after it must not run without it. Approve or refuse it, or abort the run.",
    });
    expect((await lead.runs.get({ runId })).steps.find((s) => s.id === "approve")!.status).toBe("waiting_approval");
  });

  it("ends the run refused (not failed), undoes what ran, frees its locks, and is counted apart from failures", async () => {
    const { runId, lead, leadUser, view, responder } = await startedToApproval("refuse-me");
    expect(await countRows(handle.db, "test_effects", "prep-refuse-me")).toBe(1);
    const approval = view.steps.find((s) => s.id === "approve")!;
    await lead.runs.refuse({ runId, stepId: "approve", bindingHash: approval.bindingHash!, comment: "wrong service" });
    await engine.drain();

    const ended = await responder.runs.get({ runId });
    expect(ended.status).toBe("refused");
    expect(ended.abortReason).toBe(`refused by ${leadUser.email}: wrong service`);
    expect(ended.steps.map((s) => s.status)).toEqual(["compensated", "refused", "pending"]);
    expect(ended.steps.find((s) => s.id === "approve")!.error).toBeNull();
    expect(ended.endedAt).not.toBeNull();
    expect(ended.can.abort).toBe(false);
    expect(await countRows(handle.db, "test_effects", "refuse-me")).toBe(0);

    const history = (await responder.runs.history({ runId })).map((e) => e.eventType);
    expect(history).toEqual(expect.arrayContaining(["approval.refused", "compensation.succeeded", "run.refused"]));
    expect(history).not.toContain("run.cancelled");

    const endedRuns = await responder.runs.list({ filter: "ended" });
    expect(endedRuns.map((r) => r.id)).toContain(runId);
    expect((await responder.runs.list({ filter: "active" })).map((r) => r.id)).not.toContain(runId);

    const [summary] = await runbookSummaries(handle.db, 1);
    expect(summary).toMatchObject({ runbookId: "guarded-change", refused: 1, failing: 0 });
    const today = (await runTrend(handle.db, "guarded-change", 1)).at(-1)!;
    expect(today.refused).toBe(1);
    expect(today.succeeded + today.failing + today.cancelled + today.refused + today.active).toBe(today.runs);
    expect(await failureBuckets(handle.db, "guarded-change", 1)).toEqual([]);

    // Starting again: the same inputs fill the form, the secret is not carried over.
    expect(await restartValuesOf(handle.db, runId, "guarded-change")).toMatchObject({
      status: "refused",
      values: { label: "refuse-me" },
      secretsToRetype: ["token"],
    });
    expect(await restartValuesOf(handle.db, runId, "another-runbook")).toBeNull();
    // Its lock was given back: the same resource can be worked on again at once.
    await expect(
      responder.runs.start({ runbookId: "guarded-change", inputs: { label: "refuse-me" }, requestKey: randomUUID() }),
    ).resolves.toMatchObject({ runId: expect.any(String) });
  });
});

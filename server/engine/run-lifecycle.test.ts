import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, runs, runSecrets, stepOutputLines } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { countRows, createTestEngine, installRunbook, type TestEngine } from "@/test/support/engine";
import { callerAs, createTestUser } from "@/test/support/users";
import { verifyAuditChain } from "../audit/verify";

let handle: TestDatabase;
let engine: TestEngine;

const guided = {
  id: "guided-change",
  title: "Guided change",
  summary: "A manual step, a check, an approval and an action.",
  risk: "medium",
  inputs: [
    { name: "label", label: "Label", type: "string" },
    { name: "token", label: "Token", type: "secret", required: false },
  ],
  steps: [
    { id: "prepare", kind: "manual", title: "Prepare", instructions: "Tell the team.", evidence: "required" },
    { id: "healthy", kind: "check", title: "Healthy", check: "test.flag", input: { pass: true } },
    { id: "approve", kind: "approval", title: "Lead approval" },
    {
      id: "apply",
      kind: "action",
      title: "Apply",
      action: "test.record-effect",
      input: { label: "{{inputs.label}}", secret: "{{inputs.token}}" },
      compensation: { action: "test.undo-effect", input: { label: "{{inputs.label}}" } },
    },
  ],
};

beforeAll(async () => {
  handle = await createTestDatabase();
  engine = await createTestEngine(handle.db);
  await installRunbook(handle.db, guided);
});

afterAll(async () => {
  expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });
  await handle.drop();
});

async function people() {
  const responder = (await createTestUser(handle.db, { role: "responder" })).user;
  const lead = (await createTestUser(handle.db, { role: "lead" })).user;
  return {
    responder: await callerAs(handle.db, responder, engine),
    lead: await callerAs(handle.db, lead, engine),
    responderUser: responder,
    leadUser: lead,
  };
}

describe(`a guided run (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("goes manual → check → approval by someone else → plan → execute, recording every step", async () => {
    const { responder, lead } = await people();
    const token = `tok-${randomUUID()}`;
    const started = await responder.runs.start({
      runbookId: "guided-change",
      inputs: { label: "first", token },
      requestKey: randomUUID(),
    });
    let view = await responder.runs.get({ runId: started.runId });
    expect(view.status).toBe("waiting_operator");
    expect(view.currentStepId).toBe("prepare");

    await expect(responder.runs.confirm({ runId: started.runId, stepId: "prepare" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await responder.runs.confirm({ runId: started.runId, stepId: "prepare", note: "Posted in #ops" });
    expect(await engine.drain()).toBeGreaterThan(0);

    view = await responder.runs.get({ runId: started.runId });
    expect(view.status).toBe("waiting_approval");
    const approval = view.steps.find((s) => s.id === "approve")!;
    expect(approval.coveredPlans?.apply?.plan?.summary).toBe("Record effect first");
    expect(approval.can.decide).toBe(false);

    await expect(
      responder.runs.approve({ runId: started.runId, stepId: "approve", bindingHash: approval.bindingHash! }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      lead.runs.approve({ runId: started.runId, stepId: "approve", bindingHash: "0".repeat(64) }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    await lead.runs.approve({ runId: started.runId, stepId: "approve", bindingHash: approval.bindingHash! });
    await engine.drain();

    view = await responder.runs.get({ runId: started.runId });
    expect(view.currentStepId).toBe("apply");
    expect(view.steps.find((s) => s.id === "apply")).toMatchObject({
      status: "waiting_operator",
      plan: { summary: "Record effect first" },
    });
    expect(await countRows(handle.db, "test_effects", "first")).toBe(0);

    await responder.runs.execute({ runId: started.runId, stepId: "apply" });
    await engine.drain();
    view = await responder.runs.get({ runId: started.runId });
    expect(view.status).toBe("succeeded");
    expect(await countRows(handle.db, "test_effects", "first")).toBe(1);

    const history = await responder.runs.history({ runId: started.runId });
    const types = history.map((e) => e.eventType);
    for (const expected of [
      "run.started",
      "step.confirmed",
      "step.started",
      "step.succeeded",
      "approval.requested",
      "approval.given",
      "step.planned",
      "step.execution_requested",
      "run.succeeded",
    ]) {
      expect(types).toContain(expected);
    }
    expect(types).toContain("run.command_refused");

    // The secret input lives only sealed; the record, the inputs and the output show no trace of it.
    const [row] = await handle.db.select().from(runs).where(eq(runs.id, started.runId));
    expect(JSON.stringify(row!.inputs)).not.toContain(token);
    const [sealed] = await handle.db.select().from(runSecrets).where(eq(runSecrets.runId, started.runId));
    expect(sealed!.ciphertext).not.toContain(token);
    const everything = JSON.stringify([
      await handle.db.select().from(auditEvents),
      await handle.db.select().from(stepOutputLines),
    ]);
    expect(everything).not.toContain(token);
    expect(everything).toContain("[secret]");
  });

  it("starts one run when the same form is submitted twice", async () => {
    const { responder } = await people();
    const requestKey = randomUUID();
    const [a, b] = await Promise.all([
      responder.runs.start({ runbookId: "guided-change", inputs: { label: "twice" }, requestKey }),
      responder.runs.start({ runbookId: "guided-change", inputs: { label: "twice" }, requestKey }),
    ]);
    expect(a.runId).toBe(b.runId);
    const rows = await handle.db
      .select()
      .from(runs)
      .where(sql`${runs.inputs}->>'label' = 'twice'`);
    expect(rows).toHaveLength(1);
  });

  it("refuses bad inputs naming the field, starts nothing, and records the refusal", async () => {
    const { responder } = await people();
    const before = (await handle.db.select().from(runs)).length;
    const error = await responder.runs
      .start({ runbookId: "guided-change", inputs: { label: "" }, requestKey: randomUUID() })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "BAD_REQUEST", details: { fields: { "inputs.label": "Label is required" } } });
    expect((await handle.db.select().from(runs)).length).toBe(before);
    const [refusal] = await handle.db.select().from(auditEvents).where(eq(auditEvents.eventType, "run.inputs_refused"));
    expect(refusal).toMatchObject({ outcome: "refused", entityId: "guided-change" });
    await expect(
      responder.runs.start({ runbookId: "no-such-runbook", inputs: {}, requestKey: randomUUID() }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("lets a lead skip a step with a written reason, and nobody else", async () => {
    const { responder, lead } = await people();
    const { runId } = await responder.runs.start({
      runbookId: "guided-change",
      inputs: { label: "skipped" },
      requestKey: randomUUID(),
    });
    await expect(responder.runs.skip({ runId, stepId: "prepare", reason: "not needed" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(lead.runs.skip({ runId, stepId: "prepare", reason: "" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await lead.runs.skip({ runId, stepId: "prepare", reason: "Team already informed" });
    const view = await lead.runs.get({ runId });
    expect(view.steps[0]).toMatchObject({ status: "skipped", skipReason: "Team already informed" });
  });

  it("voids the approval when the plan it approved is no longer the plan", async () => {
    const { responder, lead } = await people();
    const { runId } = await responder.runs.start({
      runbookId: "guided-change",
      inputs: { label: "replanned" },
      requestKey: randomUUID(),
    });
    await responder.runs.confirm({ runId, stepId: "prepare", note: "ok" });
    await engine.drain();
    const approval = (await lead.runs.get({ runId })).steps.find((s) => s.id === "approve")!;
    await lead.runs.approve({ runId, stepId: "approve", bindingHash: approval.bindingHash! });
    // The world changes between approval and execution: the action now plans something else.
    const job = engine.queue.jobs.find((j) => j.stepId === "apply" && j.phase === "plan")!;
    const { dispatch } = await import("./dispatch");
    engine.queue.jobs.length = 0;
    await dispatch(engine, {
      runId,
      command: { type: "plan_ready", stepId: "apply", attempt: job.attempt, planHash: "f".repeat(64) },
      actor: { userId: null, label: "system", sessionId: null, request: {} },
    });
    const view = await lead.runs.get({ runId });
    expect(view.status).toBe("waiting_approval");
    const reopened = view.steps.find((s) => s.id === "approve")!;
    expect(reopened.approvals[0]).toMatchObject({ voided: true });
    expect(reopened.bindingHash).not.toBe(approval.bindingHash);
    expect(reopened.can.decide).toBe(true);
  });

  it("aborts by running the compensations of completed steps, newest first", async () => {
    const { responder, lead } = await people();
    const { runId } = await responder.runs.start({
      runbookId: "guided-change",
      inputs: { label: "aborted" },
      requestKey: randomUUID(),
    });
    await responder.runs.confirm({ runId, stepId: "prepare", note: "ok" });
    await engine.drain();
    const approval = (await lead.runs.get({ runId })).steps.find((s) => s.id === "approve")!;
    await lead.runs.approve({ runId, stepId: "approve", bindingHash: approval.bindingHash! });
    await engine.drain();
    await responder.runs.execute({ runId, stepId: "apply" });
    await engine.drain();
    // Succeeded runs cannot be aborted; use a fresh run that stops before its end.
    expect((await responder.runs.get({ runId })).status).toBe("succeeded");
    await expect(responder.runs.abort({ runId, reason: "too late" })).rejects.toMatchObject({ code: "CONFLICT" });

    const second = await responder.runs.start({
      runbookId: "guided-change",
      inputs: { label: "half-done" },
      requestKey: randomUUID(),
    });
    await lead.runs.skip({ runId: second.runId, stepId: "prepare", reason: "skip for test" });
    await engine.drain();
    const view = await responder.runs.get({ runId: second.runId });
    expect(view.can.abort).toBe(true);
    await responder.runs.abort({ runId: second.runId, reason: "Wrong service" });
    await engine.drain();
    const ended = await responder.runs.get({ runId: second.runId });
    expect(ended.status).toBe("cancelled");
    expect(ended.abortReason).toBe("Wrong service");
  });
});

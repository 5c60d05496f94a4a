import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, runApprovals, runSteps, sessions, type User } from "@/db/schema";
import { REAUTH_REQUIRED } from "@/lib/schemas/account";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import {
  countRows,
  createTestEngine,
  installRunbook,
  recordEffectAction,
  type TestEngine,
} from "@/test/support/engine";
import { errorOf } from "@/test/support/errors";
import { contextFor, createTestUser } from "@/test/support/users";
import { DEFAULT_RATE_LIMIT_SETTINGS } from "../config/rate-limit-settings";
import type { Context } from "../context";
import { createCaller } from "../routers/_app";
import { RateLimits } from "../security/rate-limits/rate-limits";

/** A small high-risk limit, so a test can reach it. */
const HIGH_RISK_PER_MINUTE = 2;

let handle: TestDatabase;
let engine: TestEngine;
let limits: RateLimits;

const gated = (id: string, action: string) => ({
  id,
  title: id,
  summary: `An approval, then ${action}.`,
  risk: "high",
  inputs: [{ name: "label", label: "Label", type: "string" }],
  steps: [
    { id: "approve", kind: "approval", title: "Lead approval", role: "lead" },
    { id: "apply", kind: "action", title: "Apply", action, input: { label: "{{inputs.label}}" } },
  ],
});

beforeAll(async () => {
  handle = await createTestDatabase();
  engine = await createTestEngine(handle.db);
  engine.registry.registerAction({
    ...recordEffectAction,
    name: "test.risky",
    title: "A risky effect",
    highRisk: true,
  });
  await installRunbook(handle.db, gated("risky-change", "test.risky"));
  await installRunbook(handle.db, gated("ordinary-change", "test.record-effect"));
  limits = new RateLimits({
    handle,
    db: handle.db,
    isAllowlisted: async () => false,
    settings: { ...DEFAULT_RATE_LIMIT_SETTINGS, KEEL_LIMIT_HIGH_RISK_PER_USER_MINUTE: HIGH_RISK_PER_MINUTE },
  });
}, 60_000);

afterAll(async () => {
  await handle.drop();
});

type Person = { user: User; context: Context; caller: ReturnType<typeof createCaller> };

async function person(role: "responder" | "lead"): Promise<Person> {
  const { user } = await createTestUser(handle.db, { role });
  const context: Context = { ...(await contextFor(handle.db, user, engine)), rateLimits: limits };
  return { user, context, caller: createCaller(context) };
}

async function ageSession(who: Person, minutes: number): Promise<void> {
  await handle.db
    .update(sessions)
    .set({ authenticatedAt: new Date(Date.now() - minutes * 60_000) })
    .where(eq(sessions.id, who.context.session!.sessionId));
}

async function stepOf(runId: string, stepId: string) {
  const [row] = await handle.db
    .select()
    .from(runSteps)
    .where(and(eq(runSteps.runId, runId), eq(runSteps.stepId, stepId)));
  return row!;
}

/** A run of `runbookId` waiting for its approval; answers its id and what an approval binds to. */
async function waitingForApproval(starter: Person, runbookId: string, label: string) {
  const { runId } = await starter.caller.runs.start({ runbookId, inputs: { label }, requestKey: randomUUID() });
  await engine.drain();
  const approval = (await starter.caller.runs.get({ runId })).steps.find((s) => s.id === "approve")!;
  expect(approval.status).toBe("waiting_approval");
  return { runId, bindingHash: approval.bindingHash! };
}

async function approvalEvents(runId: string) {
  return handle.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.entityId, runId), eq(auditEvents.eventType, "approval.given")));
}

const tooMany = {
  code: "TOO_MANY_REQUESTS",
  message: expect.stringContaining(`Keel allows ${HIGH_RISK_PER_MINUTE} high-risk actions a minute.`),
  details: { limit: "high_risk_user", retryAfterSeconds: expect.any(Number) },
};

// Each test signs in several people (password hashing) and runs several runs: more than the default 30 s on a busy machine.
describe(`the high-risk limit (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, { timeout: 120_000 }, () => {
  it("counts approving what gates a high-risk step: over the limit, the approval is refused and nothing changes", async () => {
    const responder = await person("responder");
    const lead = await person("lead");
    const runs = [];
    for (let i = 0; i <= HIGH_RISK_PER_MINUTE; i++)
      runs.push(await waitingForApproval(responder, "risky-change", `a${i}`));

    for (const run of runs.slice(0, HIGH_RISK_PER_MINUTE)) {
      await lead.caller.runs.approve({ runId: run.runId, stepId: "approve", bindingHash: run.bindingHash });
      expect(await stepOf(run.runId, "approve")).toMatchObject({ status: "succeeded" });
    }

    const last = runs[HIGH_RISK_PER_MINUTE]!;
    const before = await stepOf(last.runId, "approve");
    const error = await errorOf(
      lead.caller.runs.approve({ runId: last.runId, stepId: "approve", bindingHash: last.bindingHash }),
    );
    expect(error).toMatchObject(tooMany);
    expect(await stepOf(last.runId, "approve")).toEqual(before);
    expect(await handle.db.select().from(runApprovals).where(eq(runApprovals.runId, last.runId))).toEqual([]);
    expect(await approvalEvents(last.runId)).toEqual([]);
    const [trip] = await handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.eventType, "rate_limit.exceeded"), eq(auditEvents.actorUserId, lead.user.id)));
    expect(trip).toMatchObject({ outcome: "refused", entityId: "high_risk_user" });

    // An approval that gates nothing high-risk is not a high-risk action: the same lead still gives it.
    const ordinary = await waitingForApproval(responder, "ordinary-change", "a-ordinary");
    await lead.caller.runs.approve({ runId: ordinary.runId, stepId: "approve", bindingHash: ordinary.bindingHash });
    expect(await stepOf(ordinary.runId, "approve")).toMatchObject({ status: "succeeded" });
  });

  it("still counts executing a high-risk step: over the limit, it is refused and nothing runs", async () => {
    const responder = await person("responder");
    const runIds = [];
    for (let i = 0; i <= HIGH_RISK_PER_MINUTE; i++) {
      const run = await waitingForApproval(responder, "risky-change", `e${i}`);
      // Each approval by another lead: approving these counts against the approver's own limit.
      const lead = await person("lead");
      await lead.caller.runs.approve({ runId: run.runId, stepId: "approve", bindingHash: run.bindingHash });
      await engine.drain();
      expect(await stepOf(run.runId, "apply")).toMatchObject({ status: "waiting_operator" });
      runIds.push(run.runId);
    }

    for (const [i, runId] of runIds.slice(0, HIGH_RISK_PER_MINUTE).entries()) {
      await responder.caller.runs.execute({ runId, stepId: "apply" });
      await engine.drain();
      expect(await countRows(handle.db, "test_effects", `e${i}`)).toBe(1);
    }

    const last = runIds[HIGH_RISK_PER_MINUTE]!;
    const before = await stepOf(last, "apply");
    expect(await errorOf(responder.caller.runs.execute({ runId: last, stepId: "apply" }))).toMatchObject(tooMany);
    await engine.drain();
    expect(await stepOf(last, "apply")).toEqual(before);
    expect(await countRows(handle.db, "test_effects", `e${HIGH_RISK_PER_MINUTE}`)).toBe(0);
  });

  it("asks for re-authentication before both, as the same definition of high-risk says", async () => {
    const responder = await person("responder");
    const lead = await person("lead");
    const run = await waitingForApproval(responder, "risky-change", "reauth");
    await ageSession(lead, 30);
    const approving = await errorOf(
      lead.caller.runs.approve({ runId: run.runId, stepId: "approve", bindingHash: run.bindingHash }),
    );
    expect(approving).toMatchObject({ code: "FORBIDDEN", details: { reason: REAUTH_REQUIRED } });
    expect(approving.message).toContain("Approving “Lead approval” (it lets a risky effect go ahead)");
    expect(await stepOf(run.runId, "approve")).toMatchObject({ status: "waiting_approval" });

    await ageSession(lead, 0);
    await lead.caller.runs.approve({ runId: run.runId, stepId: "approve", bindingHash: run.bindingHash });
    await engine.drain();
    await ageSession(responder, 30);
    const executing = await errorOf(responder.caller.runs.execute({ runId: run.runId, stepId: "apply" }));
    expect(executing).toMatchObject({ code: "FORBIDDEN", details: { reason: REAUTH_REQUIRED } });
    expect(executing.message).toContain("Executing “Apply” (A risky effect)");
    expect(await countRows(handle.db, "test_effects", "reauth")).toBe(0);
  });
});

import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, runSteps, sessions, users, type User } from "@/db/schema";
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
import { verifyAuditChain } from "../audit/verify";
import type { Context } from "../context";
import { createCaller } from "../routers/_app";
import { RateLimits } from "../security/rate-limits/rate-limits";

let handle: TestDatabase;
let engine: TestEngine;
let limits: RateLimits;

const risky = {
  id: "risky-change",
  title: "Risky change",
  summary: "An approval, then a high-risk action.",
  risk: "high",
  inputs: [{ name: "label", label: "Label", type: "string" }],
  steps: [
    { id: "approve", kind: "approval", title: "Lead approval", role: "lead" },
    {
      id: "apply",
      kind: "action",
      title: "Apply the risky change to {{inputs.label}}",
      action: "test.risky",
      input: { label: "{{inputs.label}}" },
    },
    {
      id: "after",
      kind: "action",
      title: "An ordinary step",
      action: "test.record-effect",
      input: { label: "{{inputs.label}}-after" },
    },
  ],
};

const ordinary = {
  id: "ordinary-change",
  title: "Ordinary change",
  summary: "An action that is not high-risk.",
  risk: "low",
  inputs: [{ name: "label", label: "Label", type: "string" }],
  steps: [
    { id: "apply", kind: "action", title: "Apply", action: "test.record-effect", input: { label: "{{inputs.label}}" } },
  ],
};

beforeAll(async () => {
  handle = await createTestDatabase();
  engine = await createTestEngine(handle.db);
  engine.registry.registerAction({
    ...recordEffectAction,
    name: "test.risky",
    title: "A risky effect",
    highRisk: true,
  });
  await installRunbook(handle.db, risky);
  await installRunbook(handle.db, ordinary);
  limits = new RateLimits({ handle, db: handle.db, isAllowlisted: async () => false });
}, 60_000);

afterAll(async () => {
  expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });
  await handle.drop();
});

type Person = { user: User; password: string; context: Context; caller: ReturnType<typeof createCaller> };

async function person(role: "responder" | "lead", ip = "203.0.113.7"): Promise<Person> {
  const { user, password } = await createTestUser(handle.db, { role });
  const base = await contextFor(handle.db, user, engine);
  const context: Context = { ...base, rateLimits: limits, request: { ...base.request, ip } };
  return { user, password, context, caller: createCaller(context) };
}

/** Moves the session's last proof of identity back, as if signed in `minutes` ago. */
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

async function startAndApprove(starter: Person, lead: Person, label: string): Promise<string> {
  const { runId } = await starter.caller.runs.start({
    runbookId: "risky-change",
    inputs: { label },
    requestKey: randomUUID(),
  });
  await engine.drain();
  const approval = (await starter.caller.runs.get({ runId })).steps.find((s) => s.id === "approve")!;
  await lead.caller.runs.approve({ runId, stepId: "approve", bindingHash: approval.bindingHash! });
  await engine.drain();
  expect(await stepOf(runId, "apply")).toMatchObject({ status: "waiting_operator" });
  return runId;
}

describe(`re-authentication for high-risk steps (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("lets a fresh sign-in execute a high-risk step", async () => {
    const responder = await person("responder");
    const lead = await person("lead");
    const runId = await startAndApprove(responder, lead, "fresh");
    await ageSession(responder, 14);
    await responder.caller.runs.execute({ runId, stepId: "apply" });
    await engine.drain();
    expect(await countRows(handle.db, "test_effects", "fresh")).toBe(1);
  });

  it("refuses a stale session with REAUTH_REQUIRED and changes nothing; after re-authenticating the step proceeds", async () => {
    const responder = await person("responder");
    const lead = await person("lead");
    const runId = await startAndApprove(responder, lead, "stale");
    await ageSession(responder, 16);
    const before = await stepOf(runId, "apply");

    const error = await errorOf(responder.caller.runs.execute({ runId, stepId: "apply" }));
    expect(error).toMatchObject({
      code: "FORBIDDEN",
      details: { reason: REAUTH_REQUIRED, method: "password", windowMinutes: 15 },
    });
    expect(error.message).toMatch(
      /Executing “Apply the risky change to stale” \(A risky effect\) is a high-risk action: enter your password again to confirm it is you\. You last signed in 16 minutes ago; Keel asks again after 15 minutes\./,
    );
    expect(await stepOf(runId, "apply")).toEqual(before);
    expect(await countRows(handle.db, "test_effects", "stale")).toBe(0);
    const [refusal] = await handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.eventType, "run.command_refused"), eq(auditEvents.entityId, runId)));
    expect(refusal).toMatchObject({
      actorUserId: responder.user.id,
      eventMeta: expect.objectContaining({ command: "execute", stepId: "apply" }),
    });

    const { authenticatedAt } = await responder.caller.account.reauthenticate({ password: responder.password });
    expect(Date.now() - new Date(authenticatedAt).getTime()).toBeLessThan(60_000);
    const [event] = await handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.eventType, "auth.reauthenticated"), eq(auditEvents.actorUserId, responder.user.id)));
    expect(event).toMatchObject({
      outcome: "success",
      sessionId: responder.context.session!.sessionId,
      eventMeta: { method: "password" },
    });
    expect(JSON.stringify(event)).not.toContain(responder.password);

    await responder.caller.runs.execute({ runId, stepId: "apply" });
    await engine.drain();
    expect(await countRows(handle.db, "test_effects", "stale")).toBe(1);

    // The ordinary step after it goes ahead even once the proof is old again.
    await ageSession(responder, 60);
    await responder.caller.runs.execute({ runId, stepId: "after" });
    await engine.drain();
    expect(await countRows(handle.db, "test_effects", "stale-after")).toBe(1);
  });

  it("asks a freshly signed-in person again once an admin requires it, on every open session, until they re-authenticate", async () => {
    const responder = await person("responder");
    const lead = await person("lead");
    const { user: admin } = await createTestUser(handle.db, { role: "admin" });
    const adminCaller = createCaller(await contextFor(handle.db, admin, engine));
    const runId = await startAndApprove(responder, lead, "requested");

    expect(await errorOf(adminCaller.users.requireReauthentication({ userId: randomUUID() }))).toMatchObject({
      code: "NOT_FOUND",
      details: { fields: { userId: expect.any(String) } },
    });
    expect(await errorOf(responder.caller.users.requireReauthentication({ userId: responder.user.id }))).toMatchObject({
      code: "FORBIDDEN",
    });
    expect(await adminCaller.users.requireReauthentication({ userId: responder.user.id })).toEqual({ sessions: 1 });
    const [event] = await handle.db
      .select()
      .from(auditEvents)
      .where(
        and(eq(auditEvents.eventType, "user.reauthentication_required"), eq(auditEvents.entityId, responder.user.id)),
      );
    expect(event).toMatchObject({
      actorUserId: admin.id,
      outcome: "success",
      eventMeta: { email: responder.user.email, sessions: 1 },
    });

    const error = await errorOf(responder.caller.runs.execute({ runId, stepId: "apply" }));
    expect(error).toMatchObject({ code: "FORBIDDEN", details: { reason: REAUTH_REQUIRED } });
    expect(error.message).toContain(
      "An administrator asked you to confirm it is you before your next high-risk action.",
    );
    expect(await countRows(handle.db, "test_effects", "requested")).toBe(0);

    await responder.caller.account.reauthenticate({ password: responder.password });
    await responder.caller.runs.execute({ runId, stepId: "apply" });
    await engine.drain();
    expect(await countRows(handle.db, "test_effects", "requested")).toBe(1);
  });

  it("asks a lead whose sign-in is old before approving what gates a high-risk step", async () => {
    const responder = await person("responder");
    const lead = await person("lead");
    const { runId } = await responder.caller.runs.start({
      runbookId: "risky-change",
      inputs: { label: "approval" },
      requestKey: randomUUID(),
    });
    await engine.drain();
    const approval = (await responder.caller.runs.get({ runId })).steps.find((s) => s.id === "approve")!;
    await ageSession(lead, 30);
    const error = await errorOf(
      lead.caller.runs.approve({ runId, stepId: "approve", bindingHash: approval.bindingHash! }),
    );
    expect(error).toMatchObject({ code: "FORBIDDEN", details: { reason: REAUTH_REQUIRED } });
    expect(error.message).toContain("Approving “Lead approval” (it lets a risky effect go ahead)");
    expect(await stepOf(runId, "approve")).toMatchObject({ status: "waiting_approval" });

    await lead.caller.account.reauthenticate({ password: lead.password });
    await lead.caller.runs.approve({ runId, stepId: "approve", bindingHash: approval.bindingHash! });
    expect(await stepOf(runId, "approve")).toMatchObject({ status: "succeeded" });
  });

  it("does not ask before an ordinary step, however old the sign-in", async () => {
    const responder = await person("responder");
    const { runId } = await responder.caller.runs.start({
      runbookId: "ordinary-change",
      inputs: { label: "ordinary" },
      requestKey: randomUUID(),
    });
    await engine.drain();
    await ageSession(responder, 600);
    await responder.caller.runs.execute({ runId, stepId: "apply" });
    await engine.drain();
    expect(await countRows(handle.db, "test_effects", "ordinary")).toBe(1);
  });

  it("refuses a wrong password naming the field, audits it without the password, and locks after repeated failures", async () => {
    const responder = await person("responder", "198.51.100.44");
    const lead = await person("lead", "198.51.100.44");
    const runId = await startAndApprove(responder, lead, "locked");
    await ageSession(responder, 20);
    const session = responder.context.session!.sessionId;
    const staleAt = (await handle.db.select().from(sessions).where(eq(sessions.id, session)))[0]!.authenticatedAt;

    const wrong = await errorOf(responder.caller.account.reauthenticate({ password: "not-the-password-at-all" }));
    expect(wrong).toMatchObject({
      code: "BAD_REQUEST",
      details: { fields: { password: "That is not your password. Try again." } },
    });
    let attempts = 1;
    let locked: Awaited<ReturnType<typeof errorOf>> | null = null;
    while (!locked && attempts < 15) {
      const error = await errorOf(responder.caller.account.reauthenticate({ password: `wrong-${attempts}` }));
      attempts++;
      if (error.code === "TOO_MANY_REQUESTS") locked = error;
      else expect(error.code).toBe("BAD_REQUEST");
    }
    expect(locked, "the sign-in limit locks re-authentication").not.toBeNull();
    expect(attempts).toBeLessThanOrEqual(11);
    expect(locked).toMatchObject({ details: { retryAfterSeconds: expect.any(Number) } });

    // Locked: even the right password is refused, and the session stays stale.
    expect(await errorOf(responder.caller.account.reauthenticate({ password: responder.password }))).toMatchObject({
      code: "TOO_MANY_REQUESTS",
    });
    expect((await handle.db.select().from(sessions).where(eq(sessions.id, session)))[0]!.authenticatedAt).toEqual(
      staleAt,
    );
    expect(await errorOf(responder.caller.runs.execute({ runId, stepId: "apply" }))).toMatchObject({
      details: { reason: REAUTH_REQUIRED },
    });
    expect(await countRows(handle.db, "test_effects", "locked")).toBe(0);

    const failures = await handle.db
      .select()
      .from(auditEvents)
      .where(
        and(eq(auditEvents.eventType, "auth.reauthentication_failed"), eq(auditEvents.actorUserId, responder.user.id)),
      );
    expect(failures.length).toBe(attempts + 1);
    expect(failures.map((f) => (f.eventMeta as { reason: string }).reason)).toContain("rate_limited");
    const everything = JSON.stringify(failures);
    expect(everything).not.toContain("not-the-password-at-all");
    expect(everything).not.toContain(responder.password);
  });

  it("tells a single sign-on user to sign in again, since there is no Keel password to check", async () => {
    const lead = await person("lead");
    const responder = await person("responder");
    await handle.db.update(users).set({ passwordHash: null }).where(eq(users.id, responder.user.id));
    await handle.db
      .update(sessions)
      .set({ method: "oidc" })
      .where(eq(sessions.id, responder.context.session!.sessionId));
    const runId = await startAndApprove(responder, lead, "oidc");
    await ageSession(responder, 20);
    const error = await errorOf(responder.caller.runs.execute({ runId, stepId: "apply" }));
    expect(error).toMatchObject({ code: "FORBIDDEN", details: { reason: REAUTH_REQUIRED, method: "oidc" } });
    expect(error.message).toContain("sign in again with single sign-on");
    expect(await errorOf(responder.caller.account.reauthenticate({ password: "anything-at-all" }))).toMatchObject({
      code: "FORBIDDEN",
      details: { fields: { password: expect.stringContaining("single sign-on") } },
    });
    expect(await countRows(handle.db, "test_effects", "oidc")).toBe(0);
  });
});

import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { and, asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, managedSecrets, runSteps, secretVersions, stepOutputLines } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { installRunbook, type TestEngine } from "@/test/support/engine";
import {
  CrashPlan,
  createRotationEngine,
  KeyService,
  rotateSecretRunbook,
  scratchDir,
} from "@/test/support/secret-rotation";
import { callerAs, createTestUser } from "@/test/support/users";
import { systemActor } from "../audit/actor";
import { fingerprintSecret } from "../audit/fingerprint";
import { verifyAuditChain } from "../audit/verify";
import type { StepContext } from "../engine/actions/types";
import { SECRET_ROTATION_ACTIONS } from "../engine/builtins/secrets";
import { runStepJob } from "../engine/worker";
import { saveTarget } from "../targets/commands";
import { envValueOf } from "./consumers/env-file";
import { createPendingVersion } from "./rotation/pending";
import { retireDueVersions } from "./rotation/retire";
import { createSecret, readSecretValue } from "./store";

const driver = process.env.TEST_DATABASE_URL ? "postgres" : "pglite";
const actor = systemActor();
const HOUR = 3_600_000;

let handle: TestDatabase;
let engine: TestEngine;
const crashes = new CrashPlan();
const services: KeyService[] = [];
const dir = scratchDir("rotation");

beforeAll(async () => {
  handle = await createTestDatabase();
  engine = createRotationEngine(handle.db, crashes);
  await installRunbook(handle.db, rotateSecretRunbook());
  // The same steps without the runbook's lock: shows that the secret store itself refuses a second rotation.
  await installRunbook(handle.db, { ...(rotateSecretRunbook() as object), id: "rotate-secret-unlocked", locks: [] });
});

afterAll(async () => {
  expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });
  for (const service of services) await service.stop();
  await handle.drop();
});

type Caller = Awaited<ReturnType<typeof callerAs>>;

async function people(): Promise<{ responder: Caller; lead: Caller }> {
  const responder = (await createTestUser(handle.db, { role: "responder" })).user;
  const lead = (await createTestUser(handle.db, { role: "lead" })).user;
  return { responder: await callerAs(handle.db, responder, engine), lead: await callerAs(handle.db, lead, engine) };
}

/** A managed secret with two consumers: an env file (other lines around it) and an HTTP service with a probe. */
async function secretWithConsumers(name: string) {
  const service = new KeyService();
  services.push(service);
  const baseUrl = await service.start();
  await createSecret(handle.db, actor, {
    name,
    description: "",
    policy: { length: 40, alphabet: "base64url" },
    gracePeriodHours: 24,
  });
  const first = (await readSecretValue(handle.db, name))!;
  const envFile = path.join(dir, name, ".env");
  mkdirSync(path.dirname(envFile), { recursive: true });
  writeFileSync(envFile, `# ${name} service\nPORT=8080\nAPI_KEY=${first.value}\nLOG_LEVEL=info\n`);
  service.received.push(first.value);
  await saveTarget(
    handle.db,
    actor,
    {
      kind: "secret-consumer",
      name: `${name}-env`,
      config: { secret: name, sink: { type: "env-file", path: envFile, variable: "API_KEY" } },
    },
    "admin",
  );
  await saveTarget(
    handle.db,
    actor,
    {
      kind: "secret-consumer",
      name: `${name}-http`,
      config: {
        secret: name,
        sink: {
          type: "http",
          url: `${baseUrl}/keys`,
          method: "PUT",
          deliver: { in: "header", name: "X-Api-Key" },
          allowPrivateNetwork: true,
        },
        probe: { url: `${baseUrl}/probe`, allowPrivateNetwork: true },
      },
    },
    "admin",
  );
  return { service, envFile, first, baseUrl };
}

async function labels(name: string): Promise<string[]> {
  const rows = await handle.db
    .select({ version: secretVersions.version, label: secretVersions.label })
    .from(secretVersions)
    .innerJoin(managedSecrets, eq(managedSecrets.id, secretVersions.secretId))
    .where(eq(managedSecrets.name, name))
    .orderBy(asc(secretVersions.version));
  return rows.map((r) => `v${r.version}:${r.label}`);
}

async function claimOf(name: string) {
  const [row] = await handle.db
    .select({ rotationRunId: managedSecrets.rotationRunId, lastRotatedAt: managedSecrets.lastRotatedAt })
    .from(managedSecrets)
    .where(eq(managedSecrets.name, name));
  return row!;
}

const envValue = (file: string) => envValueOf(readFileSync(file, "utf8"), "API_KEY");

async function start(caller: Caller, name: string, extra: Record<string, unknown> = {}, runbookId = "rotate-secret") {
  const { runId } = await caller.runs.start({
    runbookId,
    inputs: { secret: name, ...extra },
    requestKey: randomUUID(),
  });
  await engine.drain();
  return runId;
}

async function execute(caller: Caller, runId: string, stepId: string) {
  await engine.drain();
  await caller.runs.execute({ runId, stepId });
  await engine.drain();
}

async function approve(lead: Caller, runId: string) {
  const approval = (await lead.runs.get({ runId })).steps.find((s) => s.id === "approve-promotion")!;
  expect(approval.status).toBe("waiting_approval");
  await lead.runs.approve({ runId, stepId: "approve-promotion", bindingHash: approval.bindingHash! });
  await engine.drain();
}

/** The env-file consumer has no acceptance probe: the acceptance check waits for a person to check it by hand. */
async function confirmUnprobed(responder: Caller, runId: string) {
  const check = await stepOf(responder, runId, "consumers-accept");
  expect(check.status).toBe("waiting_operator");
  expect(check.confirmByHand).toMatch(
    /^The consumer \S+-env of \S+ has no acceptance probe, so nobody has verified that it accepts pending v\d+/,
  );
  await responder.runs.confirm({
    runId,
    stepId: "consumers-accept",
    note: "Restarted the service; its logs show the new key in use",
  });
  await engine.drain();
}

async function stepOf(caller: Caller, runId: string, stepId: string) {
  return (await caller.runs.get({ runId })).steps.find((s) => s.id === stepId)!;
}

/** Runs a whole rotation: the responder executes each action, the lead approves the promotion. */
async function rotate(responder: Caller, lead: Caller, name: string, extra: Record<string, unknown> = {}) {
  const runId = await start(responder, name, extra);
  await execute(responder, runId, "create-pending");
  await execute(responder, runId, "distribute");
  await confirmUnprobed(responder, runId);
  await approve(lead, runId);
  await execute(responder, runId, "promote");
  await execute(responder, runId, "retire-previous");
  return runId;
}

/** Everything a run stored or recorded, as text: no secret value may appear in it. */
async function recordedText(runId: string) {
  const steps = await handle.db
    .select({
      plan: runSteps.plan,
      output: runSteps.output,
      error: runSteps.error,
      coveredPlans: runSteps.coveredPlans,
    })
    .from(runSteps)
    .where(eq(runSteps.runId, runId));
  const output = await handle.db
    .select({ text: stepOutputLines.text })
    .from(stepOutputLines)
    .where(eq(stepOutputLines.runId, runId));
  const audit = await handle.db.select().from(auditEvents);
  return JSON.stringify([steps, output, audit]);
}

/** The same call the worker makes, for running a phase a second time by hand. */
function directContext(runId: string, stepId: string): StepContext {
  return {
    db: handle.db,
    runId,
    stepId,
    attempt: 1,
    idempotencyKey: `${runId}:${stepId}:1:execute`,
    resumed: true,
    log: () => undefined,
    registerSecret: () => undefined,
    progress: () => undefined,
    signal: new AbortController().signal,
  };
}

const actionNamed = (name: string) => SECRET_ROTATION_ACTIONS.find((a) => a.name === name)!;

// Whole rotations through the engine, with real HTTP and child processes: slow on a loaded machine.
describe(`rotating a secret (${driver})`, { timeout: 120_000 }, () => {
  it("rotates end to end: new value in the env file and the HTTP service, accepted, promoted, the old one retired after its grace", async () => {
    const { responder, lead } = await people();
    const { service, envFile, first } = await secretWithConsumers("api-key");
    const runId = await start(responder, "api-key");

    let step = await stepOf(responder, runId, "create-pending");
    expect(step.status).toBe("waiting_operator");
    expect(step.plan!.summary).toContain("v2 labelled pending");
    await execute(responder, runId, "create-pending");
    expect(await labels("api-key")).toEqual(["v1:current", "v2:pending"]);
    expect((await claimOf("api-key")).rotationRunId).toBe(runId);
    const pending = (await readSecretValue(handle.db, "api-key", "pending"))!;
    expect(pending.value).not.toBe(first.value);
    expect(pending.value).toMatch(/^[A-Za-z0-9_-]{40}$/);
    expect((await stepOf(responder, runId, "create-pending")).output).toMatchObject({
      version: 2,
      fingerprint: fingerprintSecret(pending.value),
      created: true,
    });

    // The distribution plan names each consumer and what it holds, by fingerprint only.
    step = await stepOf(responder, runId, "distribute");
    expect(step.plan!.changes).toEqual([
      expect.objectContaining({
        target: "consumer api-key-env",
        before: `current v1 (${first.fingerprint})`,
        after: `pending v2 (${pending.fingerprint})`,
      }),
      expect.objectContaining({ target: "consumer api-key-http", after: `pending v2 (${pending.fingerprint})` }),
    ]);
    await execute(responder, runId, "distribute");
    const written = readFileSync(envFile, "utf8");
    expect(written).toBe(`# api-key service\nPORT=8080\nAPI_KEY=${pending.value}\nLOG_LEVEL=info\n`);
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    expect(service.current).toBe(pending.value);

    // The acceptance check ran by itself with the pending value as a bearer token; the env-file
    // consumer has no probe, so it does not turn green until someone checked it by hand.
    step = await stepOf(responder, runId, "consumers-accept");
    expect(step.status).toBe("waiting_operator");
    expect(step.output).toMatchObject({
      passed: true,
      summary: `1 consumer accepted pending v2 (${pending.fingerprint}); 1 without a probe (api-key-env).`,
    });
    expect(service.probes.at(-1)).toEqual({ authorization: `Bearer ${pending.value}`, status: 200 });
    await expect(responder.runs.confirm({ runId, stepId: "consumers-accept" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("Say what you checked by hand"),
    });
    await confirmUnprobed(responder, runId);
    expect((await stepOf(responder, runId, "consumers-accept")).status).toBe("succeeded");
    expect(await labels("api-key")).toEqual(["v1:current", "v2:pending"]);

    await approve(lead, runId);
    step = await stepOf(responder, runId, "promote");
    expect(step.plan!.summary).toContain(`Make v2 (${pending.fingerprint}) the current value`);
    await execute(responder, runId, "promote");
    expect(await labels("api-key")).toEqual(["v1:previous", "v2:current"]);
    // Verifiers (API tokens signed with the key) try current, then previous.
    expect((await readSecretValue(handle.db, "api-key", "current"))!.value).toBe(pending.value);
    expect((await readSecretValue(handle.db, "api-key", "previous"))!.value).toBe(first.value);
    const promotedAt = (await claimOf("api-key")).lastRotatedAt!;
    expect(Date.now() - promotedAt.getTime()).toBeLessThan(60_000);
    const [old] = await handle.db
      .select()
      .from(secretVersions)
      .where(eq(secretVersions.fingerprint, first.fingerprint));
    expect(old!.retireAfter!.getTime() - promotedAt.getTime()).toBe(24 * HOUR);

    await execute(responder, runId, "retire-previous");
    const view = await responder.runs.get({ runId });
    expect(view.status).toBe("succeeded");
    expect(view.steps.find((s) => s.id === "retire-previous")!.output!.summary).toContain(
      `v1 (${first.fingerprint}) stays accepted until ${old!.retireAfter!.toISOString()}`,
    );
    expect((await claimOf("api-key")).rotationRunId).toBeNull();
    expect(await labels("api-key")).toEqual(["v1:previous", "v2:current"]);

    // The sweeper retires it once the grace period is over, not before.
    expect(await retireDueVersions(handle.db, new Date(promotedAt.getTime() + 23 * HOUR))).toBe(0);
    expect(await retireDueVersions(handle.db, new Date(promotedAt.getTime() + 24 * HOUR + 1000))).toBe(1);
    expect(await labels("api-key")).toEqual(["v1:retired", "v2:current"]);
    expect(await readSecretValue(handle.db, "api-key", "previous")).toBeNull();

    const events = (
      await handle.db.select().from(auditEvents).where(eq(auditEvents.entityId, "api-key")).orderBy(auditEvents.seq)
    ).map((e) => e.eventType);
    expect(events).toEqual([
      "secret.created",
      "secret.pending_created",
      "secret.distributed",
      "secret.promoted",
      "secret.rotation_completed",
      "secret.retired",
    ]);
    const text = await recordedText(runId);
    for (const value of [first.value, pending.value]) expect(text).not.toContain(value);
    expect(text).toContain(pending.fingerprint);
  });

  it("ends with exactly one new version when every phase crashes after its effect and is resumed, then run again", async () => {
    const { responder, lead } = await people();
    const { service, envFile, first } = await secretWithConsumers("crash-key");
    const runId = await start(responder, "crash-key");

    /** Executes the step; its action applies the effect, then the worker dies; the sweeper interrupts it; a retry resumes it. */
    async function crashAndResume(stepId: string, actionName: string) {
      await engine.drain();
      const crashed = crashes.arm(actionName);
      await responder.runs.execute({ runId, stepId });
      const job = engine.queue.jobs.shift()!;
      expect(job).toMatchObject({ stepId, phase: "execute", resumed: false });
      const worker = new AbortController();
      const running = runStepJob(engine, job, worker.signal);
      await crashed;
      // The worker is stopped mid-action and hands the step back (a killed one's step is interrupted by the sweeper: process-crash.test.ts).
      worker.abort(new Error("killed"));
      await running;
      expect((await stepOf(responder, runId, stepId)).status).toBe("interrupted");
      await responder.runs.retry({ runId, stepId });
      expect(engine.queue.jobs[0]).toMatchObject({ stepId, phase: "execute", resumed: true, attempt: 1 });
      await engine.drain();
      expect((await stepOf(responder, runId, stepId)).status).toBe("succeeded");
      // And once more by hand, with the same idempotency key: still the same world.
      await actionNamed(actionName).execute({ secret: "crash-key" }, directContext(runId, stepId));
    }

    await crashAndResume("create-pending", "secret.create-pending");
    expect(await labels("crash-key")).toEqual(["v1:current", "v2:pending"]);
    const pending = (await readSecretValue(handle.db, "crash-key", "pending"))!;

    await crashAndResume("distribute", "secret.distribute");
    expect(await labels("crash-key")).toEqual(["v1:current", "v2:pending"]);
    expect(envValue(envFile)).toBe(pending.value);
    expect(service.current).toBe(pending.value);

    await confirmUnprobed(responder, runId);
    await approve(lead, runId);
    await crashAndResume("promote", "secret.promote");
    expect(await labels("crash-key")).toEqual(["v1:previous", "v2:current"]);

    await crashAndResume("retire-previous", "secret.retire-previous");
    expect(await labels("crash-key")).toEqual(["v1:previous", "v2:current"]);
    expect((await responder.runs.get({ runId })).status).toBe("succeeded");
    expect((await claimOf("crash-key")).rotationRunId).toBeNull();

    // One new version, promoted once: one audit row each.
    const rows = await handle.db.select().from(auditEvents).where(eq(auditEvents.entityId, "crash-key"));
    expect(rows.filter((r) => r.eventType === "secret.pending_created")).toHaveLength(1);
    expect(rows.filter((r) => r.eventType === "secret.promoted")).toHaveLength(1);
    expect(rows.filter((r) => r.eventType === "secret.rotation_completed")).toHaveLength(1);
    expect((await readSecretValue(handle.db, "crash-key", "previous"))!.value).toBe(first.value);
  });

  it("refuses a second rotation in flight: at the start (lock), and in the secret store itself, naming the run that holds it", async () => {
    const { responder } = await people();
    await secretWithConsumers("busy-key");
    const holder = await start(responder, "busy-key", {}, "rotate-secret-unlocked");
    const holderNumber = (await responder.runs.get({ runId: holder })).number;

    // A second run that planned before the first claimed the secret, then executes after.
    const late = await start(responder, "busy-key");
    await execute(responder, holder, "create-pending");
    await execute(responder, late, "create-pending");
    let step = await stepOf(responder, late, "create-pending");
    expect(step.status).toBe("failed");
    expect(step.error).toContain(`already being rotated by run ${holderNumber}`);
    expect(await labels("busy-key")).toEqual(["v1:current", "v2:pending"]);
    expect((await claimOf("busy-key")).rotationRunId).toBe(holder);
    const [refusal] = await handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.eventType, "secret.rotation_refused"), eq(auditEvents.entityId, "busy-key")));
    expect(refusal).toMatchObject({
      outcome: "refused",
      eventMeta: expect.objectContaining({ heldBy: holder, heldByRunNumber: holderNumber }),
    });

    // Retrying re-plans: the plan itself now refuses, naming the holder.
    await responder.runs.retry({ runId: late, stepId: "create-pending" });
    await engine.drain();
    step = await stepOf(responder, late, "create-pending");
    expect(step.status).toBe("failed");
    expect(step.error).toContain(`already being rotated by run ${holderNumber}`);

    // The runbook's lock refuses a second run of it outright.
    const lateNumber = (await responder.runs.get({ runId: late })).number;
    const refused = await responder.runs
      .start({ runbookId: "rotate-secret", inputs: { secret: "busy-key" }, requestKey: randomUUID() })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining(`secret:busy-key is in use by run ${lateNumber}`),
    });

    // The store refuses by itself too, naming the field.
    const direct = await createPendingVersion(handle.db, actor, { name: "busy-key", runId: randomUUID() }).catch(
      (e: unknown) => e,
    );
    expect(direct).toMatchObject({
      code: "CONFLICT",
      details: { fields: { secret: expect.stringContaining(`run ${holderNumber}`) } },
    });
    expect(await labels("busy-key")).toEqual(["v1:current", "v2:pending"]);
  });

  it("an abort before the promotion gives every consumer the current value back and discards the pending one", async () => {
    const { responder } = await people();
    const { service, envFile, first } = await secretWithConsumers("abort-key");
    const runId = await start(responder, "abort-key");
    await execute(responder, runId, "create-pending");
    await execute(responder, runId, "distribute");
    expect(envValue(envFile)).not.toBe(first.value);
    expect((await responder.runs.get({ runId })).can.compensations.map((c) => c.stepId)).toEqual([
      "distribute",
      "create-pending",
    ]);

    await responder.runs.abort({ runId, reason: "The service owners asked to wait" });
    await engine.drain();
    expect((await responder.runs.get({ runId })).status).toBe("cancelled");
    expect(envValue(envFile)).toBe(first.value);
    expect(readFileSync(envFile, "utf8")).toContain("PORT=8080\n");
    expect(service.current).toBe(first.value);
    expect(await labels("abort-key")).toEqual(["v1:current"]);
    expect((await claimOf("abort-key")).rotationRunId).toBeNull();
    const events = (await handle.db.select().from(auditEvents).where(eq(auditEvents.entityId, "abort-key"))).map(
      (e) => e.eventType,
    );
    expect(events).toEqual(expect.arrayContaining(["secret.consumers_restored", "secret.rotation_abandoned"]));

    // The secret can be rotated again straight away.
    const again = await start(responder, "abort-key");
    await execute(responder, again, "create-pending");
    expect(await labels("abort-key")).toEqual(["v1:current", "v2:pending"]);
  });

  it("a consumer that refuses fails the distribution naming it, and changes nothing; an unreachable probe fails the check", async () => {
    const { responder } = await people();
    const { service, envFile, first, baseUrl } = await secretWithConsumers("refused-key");
    service.failWith = 403;
    const runId = await start(responder, "refused-key");
    await execute(responder, runId, "create-pending");
    await execute(responder, runId, "distribute");
    const step = await stepOf(responder, runId, "distribute");
    expect(step.status).toBe("failed");
    expect(step.error).toContain('Consumer "refused-key-http"');
    expect(step.error).toContain("answered 403");
    expect(step.error).toContain("1 of 1 consumers already written were set back to the current value");
    expect(envValue(envFile)).toBe(first.value);
    expect(service.current).toBe(first.value);
    const [failure] = await handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.eventType, "secret.distribution_failed"), eq(auditEvents.entityId, "refused-key")));
    expect(failure).toMatchObject({ outcome: "failure" });

    // The service is fixed and the retry goes through; but its probe cannot be reached: the check fails, naming it.
    service.failWith = null;
    await saveTarget(
      handle.db,
      actor,
      {
        kind: "secret-consumer",
        name: "refused-key-http",
        config: {
          secret: "refused-key",
          sink: {
            type: "http",
            url: `${baseUrl}/keys`,
            method: "PUT",
            deliver: { in: "header", name: "X-Api-Key" },
            allowPrivateNetwork: true,
          },
          probe: { url: "http://127.0.0.1:9/probe", allowPrivateNetwork: true, timeoutMs: 500 },
        },
      },
      "admin",
    );
    await responder.runs.retry({ runId, stepId: "distribute" });
    await engine.drain();
    await execute(responder, runId, "distribute");
    const pending = (await readSecretValue(handle.db, "refused-key", "pending"))!;
    expect(envValue(envFile)).toBe(pending.value);
    const check = await stepOf(responder, runId, "consumers-accept");
    expect(check.status).toBe("failed");
    expect(check.error).toContain("refused-key-http (GET http://127.0.0.1:9/probe failed");
    expect(check.error).toContain("Do not promote");
    expect(await labels("refused-key")).toEqual(["v1:current", "v2:pending"]);
  });

  it("hands the value to a command in its environment (never its arguments) and runs an env file's reload command", async () => {
    const { responder } = await people();
    await createSecret(handle.db, actor, {
      name: "cmd-key",
      description: "",
      policy: { length: 24, alphabet: "alphanumeric" },
      gracePeriodHours: 24,
    });
    const installed = path.join(dir, "cmd-key.installed");
    const reloads = path.join(dir, "cmd-key.reloads");
    const envFile = path.join(dir, "cmd-key.env");
    const node = (script: string, file: string) => ({ executable: process.execPath, args: ["-e", script, file] });
    await saveTarget(
      handle.db,
      actor,
      {
        kind: "secret-consumer",
        name: "cmd-key-installer",
        config: {
          secret: "cmd-key",
          sink: {
            type: "command",
            command: node(
              "require('node:fs').writeFileSync(process.argv[1], process.env.KEEL_SECRET_VALUE); console.log('installed ' + process.env.KEEL_SECRET_VALUE)",
              installed,
            ),
          },
        },
      },
      "admin",
    );
    await saveTarget(
      handle.db,
      actor,
      {
        kind: "secret-consumer",
        name: "cmd-key-env",
        config: {
          secret: "cmd-key",
          sink: {
            type: "env-file",
            path: envFile,
            variable: "API_KEY",
            reload: node(
              "require('node:fs').appendFileSync(process.argv[1], 'reloaded\\n'); console.log('reload ok')",
              reloads,
            ),
          },
        },
      },
      "admin",
    );
    const runId = await start(responder, "cmd-key");
    await execute(responder, runId, "create-pending");
    await execute(responder, runId, "distribute");
    const pending = (await readSecretValue(handle.db, "cmd-key", "pending"))!;
    expect(readFileSync(installed, "utf8")).toBe(pending.value);
    expect(envValue(envFile)).toBe(pending.value);
    expect(readFileSync(reloads, "utf8")).toBe("reloaded\n");
    const lines = (
      await handle.db
        .select({ text: stepOutputLines.text })
        .from(stepOutputLines)
        .where(and(eq(stepOutputLines.runId, runId), eq(stepOutputLines.stepId, "distribute")))
    ).map((l) => l.text);
    expect(lines).toEqual(expect.arrayContaining(["cmd-key-env: reload ok", "cmd-key-installer: installed [secret]"]));
    expect(await recordedText(runId)).not.toContain(pending.value);
  });

  it("refuses an unknown secret at the start, naming the field, and records the refusal", async () => {
    const { responder } = await people();
    const error = await responder.runs
      .start({ runbookId: "rotate-secret", inputs: { secret: "no-such-secret" }, requestKey: randomUUID() })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "BAD_REQUEST", details: { fields: { "inputs.secret": expect.any(String) } } });
    const refusals = await handle.db
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.eventType, "run.inputs_refused"),
          sql`${auditEvents.eventMeta}::text like ${"%inputs.secret%"}`,
        ),
      );
    expect(refusals.length).toBeGreaterThan(0);
    await expect(
      createPendingVersion(handle.db, actor, { name: "no-such-secret", runId: randomUUID() }),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
      details: { fields: { secret: 'No managed secret is named "no-such-secret".' } },
    });
  });

  it("with no grace period retires the old value at the end of the run; a later rotation retires a previous still in grace", async () => {
    const { responder, lead } = await people();
    const { first } = await secretWithConsumers("grace-key");
    const zero = await start(responder, "grace-key", { graceHours: 0 });
    await execute(responder, zero, "create-pending");
    await execute(responder, zero, "distribute");
    await confirmUnprobed(responder, zero);
    await approve(lead, zero);
    await execute(responder, zero, "promote");
    // Promoted with no grace: the old value is labelled previous until the run ends, but no longer given out.
    expect(await labels("grace-key")).toEqual(["v1:previous", "v2:current"]);
    expect(await readSecretValue(handle.db, "grace-key", "previous")).toBeNull();
    await execute(responder, zero, "retire-previous");
    expect(await labels("grace-key")).toEqual(["v1:retired", "v2:current"]);
    expect(await readSecretValue(handle.db, "grace-key", "previous")).toBeNull();
    expect((await readSecretValue(handle.db, "grace-key", "current"))!.value).not.toBe(first.value);

    await rotate(responder, lead, "grace-key");
    expect(await labels("grace-key")).toEqual(["v1:retired", "v2:previous", "v3:current"]);
    const third = await start(responder, "grace-key");
    await execute(responder, third, "create-pending");
    await execute(responder, third, "distribute");
    await confirmUnprobed(responder, third);
    await approve(lead, third);
    const promote = await stepOf(responder, third, "promote");
    expect(promote.plan!.warnings?.[0]).toContain("promoting retires it now");
    await execute(responder, third, "promote");
    expect(await labels("grace-key")).toEqual(["v1:retired", "v2:retired", "v3:previous", "v4:current"]);
  });
});

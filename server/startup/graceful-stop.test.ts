import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "@/db/client";
import { auditEvents } from "@/db/schema";
import { startKeelInstance, killKeelInstance, waitUntilHealthy, type KeelInstance } from "@/test/support/keel-instances";
import { createOwnedDatabase } from "@/test/support/owned-database";
import { stepStatus, waitForStatus } from "@/test/support/step-workers";
import { callerAs, createTestUser } from "@/test/support/users";
import { createBuiltinRegistry } from "../engine/builtins";
import type { EngineDeps } from "../engine/dispatch";
import { idempotencyKeyOf } from "../engine/jobs/step-job";
import { PgBossQueue } from "../engine/jobs/pg-boss-queue";
import { stepLeasesFor } from "../engine/leases/leases-for";

const baseUrl = process.env.TEST_DATABASE_URL;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const waitRunbook = (id: string, seconds: number) => ({
  id,
  title: `Wait ${seconds} s`,
  summary: "One automated step that takes a while.",
  risk: "low",
  steps: [{ id: "wait", kind: "action", title: "Wait", action: "keel.wait", input: { seconds, reason: "a long step" } }],
});

type Started = { instance: KeelInstance; port: number; handle: DatabaseHandle; deps: EngineDeps };

/** A real Keel process on a fresh database with two runbooks, and this test's own view of the database (it queues jobs, never runs them). */
async function startInstance(env: Record<string, string>): Promise<Started> {
  const database = await createOwnedDatabase(baseUrl!);
  cleanups.push(() => database.drop());
  const dir = mkdtempSync(path.join(os.tmpdir(), "keel-drain-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const runbooks = path.join(dir, "runbooks");
  mkdirSync(runbooks);
  writeFileSync(path.join(runbooks, "short-wait.yaml"), JSON.stringify(waitRunbook("short-wait", 6)));
  writeFileSync(path.join(runbooks, "long-wait.yaml"), JSON.stringify(waitRunbook("long-wait", 600)));
  const instance = startKeelInstance({ DATABASE_URL: database.url, KEEL_DATA_DIR: path.join(dir, "data"), KEEL_DEMO: "off", KEEL_WORKERS: "2", KEEL_RUNBOOK_DIRS: runbooks, ...env });
  cleanups.push(() => killKeelInstance(instance));
  await waitUntilHealthy(instance, 120_000);
  const handle = await openDatabase({ driver: "pg", url: database.url });
  const queue = new PgBossQueue(handle);
  await queue.start();
  const leases = stepLeasesFor(handle);
  cleanups.push(async () => {
    await queue.stop();
    await leases.close();
    await handle.close();
  });
  return { instance, port: await instance.port, handle, deps: { db: handle.db, registry: createBuiltinRegistry(), queue, leases, now: Date.now } };
}

async function probe(port: number, name: "readyz" | "livez"): Promise<number> {
  return (await fetch(`http://127.0.0.1:${port}/api/${name}`)).status;
}

async function interruptions(handle: DatabaseHandle, runId: string): Promise<number> {
  return (await handle.db.select({ id: auditEvents.id }).from(auditEvents).where(and(eq(auditEvents.entityId, runId), eq(auditEvents.eventType, "step.interrupted")))).length;
}

/** Starts a run, has the instance plan its step, executes it, and waits until the instance runs it. */
async function runningStep(started: Started, runbookId: string): Promise<string> {
  const caller = await callerAs(started.handle.db, (await createTestUser(started.handle.db, { role: "responder" })).user, started.deps);
  const { runId } = await caller.runs.start({ runbookId, inputs: {}, requestKey: randomUUID() });
  await waitForStatus(started.handle.db, runId, "wait", "waiting_operator", 30_000);
  await caller.runs.execute({ runId, stepId: "wait" });
  await waitForStatus(started.handle.db, runId, "wait", "running", 30_000);
  return runId;
}

describe.skipIf(!baseUrl)("SIGTERM drains the instance (PostgreSQL, a real process)", () => {
  it("a step in flight finishes within the grace period and none is interrupted; readyz 503 and livez 200 meanwhile; no new job is taken", async () => {
    const started = await startInstance({}); // the default grace period, 60 s
    const runId = await runningStep(started, "short-wait");
    expect(await probe(started.port, "readyz")).toBe(200);

    const termAt = Date.now();
    started.instance.child.kill("SIGTERM");
    while (!started.instance.output().includes("DRAINING")) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await probe(started.port, "readyz")).toBe(503);
    expect(await probe(started.port, "livez")).toBe(200);
    expect(await stepStatus(started.handle.db, runId, "wait")).toBe("running");

    // A run started during the drain: its plan job waits for another instance.
    const caller = await callerAs(started.handle.db, (await createTestUser(started.handle.db, { role: "responder" })).user, started.deps);
    const late = await caller.runs.start({ runbookId: "short-wait", inputs: {}, requestKey: randomUUID() });

    expect(await started.instance.exited).toBe("exit code 0");
    expect(Date.now() - termAt).toBeLessThan(60_000);
    expect(await stepStatus(started.handle.db, runId, "wait")).toBe("succeeded");
    expect(await interruptions(started.handle, runId)).toBe(0);
    expect(await stepStatus(started.handle.db, late.runId, "wait")).toBe("planning");
  }, 180_000);

  it("a step still running when the grace period ends is handed back as interrupted before the process exits", async () => {
    const started = await startInstance({ KEEL_SHUTDOWN_GRACE_SECONDS: "1" });
    const runId = await runningStep(started, "long-wait");

    const termAt = Date.now();
    started.instance.child.kill("SIGTERM");
    expect(await started.instance.exited).toBe("exit code 0");
    expect(Date.now() - termAt).toBeLessThan(20_000);
    expect(await stepStatus(started.handle.db, runId, "wait")).toBe("interrupted");
    expect(await interruptions(started.handle, runId)).toBe(1);
    const key = idempotencyKeyOf({ runId, stepId: "wait", attempt: 1, phase: "execute" });
    expect(await started.deps.leases.held([key])).toEqual(new Set());
  }, 180_000);
});

import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { openDatabase, type DatabaseHandle } from "../../db/client";
import { auditEvents } from "../../db/schema";
import { createBuiltinRegistry } from "../../server/engine/builtins";
import { highRiskCommand } from "../../server/runs/high-risk";
import type { EngineDeps } from "../../server/engine/dispatch";
import { PgBossQueue } from "../../server/engine/jobs/pg-boss-queue";
import { stepLeasesFor } from "../../server/engine/leases/leases-for";
import { killKeelInstance, startKeelInstance, waitUntilHealthy, type KeelInstance } from "./keel-instances";
import { createOwnedDatabase } from "./owned-database";
import { waitForStatus } from "./step-workers";
import { callerAs, createTestUser } from "./users";

const waitRunbook = (id: string, seconds: number) => ({
  id,
  title: `Wait ${seconds} s`,
  summary: "One automated step that takes a while.",
  risk: "low",
  steps: [
    { id: "wait", kind: "action", title: "Wait", action: "keel.wait", input: { seconds, reason: "a long step" } },
  ],
});

export type Started = { instance: KeelInstance; port: number; handle: DatabaseHandle; deps: EngineDeps };

/**
 * A real Keel instance (test/fixtures/processes/keel-instance.ts) on a fresh PostgreSQL database
 * whose runbooks are one automated `keel.wait` step (short-wait: 6 s, long-wait: 600 s), and the
 * test's own view of that database: it starts runs and queues jobs, never runs them.
 */
export async function startWaitingInstance(
  baseUrl: string,
  cleanups: (() => Promise<void> | void)[],
  env: Record<string, string>,
): Promise<Started> {
  const database = await createOwnedDatabase(baseUrl);
  cleanups.push(() => database.drop());
  const dir = mkdtempSync(path.join(os.tmpdir(), "keel-drain-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const runbooks = path.join(dir, "runbooks");
  mkdirSync(runbooks);
  writeFileSync(path.join(runbooks, "short-wait.yaml"), JSON.stringify(waitRunbook("short-wait", 6)));
  writeFileSync(path.join(runbooks, "long-wait.yaml"), JSON.stringify(waitRunbook("long-wait", 600)));
  const instance = startKeelInstance({
    DATABASE_URL: database.url,
    KEEL_DATA_DIR: path.join(dir, "data"),
    KEEL_DEMO: "off",
    KEEL_WORKERS: "2",
    KEEL_RUNBOOK_DIRS: runbooks,
    ...env,
  });
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
  return {
    instance,
    port: await instance.port,
    handle,
    deps: { db: handle.db, registry: createBuiltinRegistry(), queue, leases, now: Date.now, highRisk: highRiskCommand },
  };
}

export async function probe(port: number, name: "readyz" | "livez"): Promise<number> {
  return (await fetch(`http://127.0.0.1:${port}/api/${name}`)).status;
}

export async function interruptions(handle: DatabaseHandle, runId: string): Promise<number> {
  return (
    await handle.db
      .select({ id: auditEvents.id })
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, runId), eq(auditEvents.eventType, "step.interrupted")))
  ).length;
}

/** Starts a run, has the instance plan its step, executes it, and waits until the instance runs it. */
export async function runningStep(started: Started, runbookId: string): Promise<string> {
  const caller = await callerAs(
    started.handle.db,
    (await createTestUser(started.handle.db, { role: "responder" })).user,
    started.deps,
  );
  const { runId } = await caller.runs.start({ runbookId, inputs: {}, requestKey: randomUUID() });
  await waitForStatus(started.handle.db, runId, "wait", "waiting_operator", 30_000);
  await caller.runs.execute({ runId, stepId: "wait" });
  await waitForStatus(started.handle.db, runId, "wait", "running", 30_000);
  return runId;
}

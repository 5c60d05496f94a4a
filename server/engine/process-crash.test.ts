import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle, type DatabaseTarget } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { countRows, createTestEngine, gates, installRunbook } from "@/test/support/engine";
import { callerAs, createTestUser } from "@/test/support/users";
import { stepLeasesFor } from "./leases/leases-for";
import { sweepSteps } from "./sweep";
import { verifyAuditChain } from "../audit/verify";

const runbook = {
  id: "crashable",
  title: "Crashable",
  summary: "One action that can be held mid-way.",
  risk: "low",
  inputs: [{ name: "gate", label: "Gate", type: "string", required: false }],
  steps: [
    {
      id: "apply",
      kind: "action",
      title: "Apply",
      action: "test.record-effect",
      input: { label: "crashable", gate: "{{inputs.gate}}" },
    },
  ],
};

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A database both this process and a child can open: PostgreSQL, or PGlite on disk (one at a time). */
async function sharedDatabase(): Promise<{ target: DatabaseTarget; open(): Promise<DatabaseHandle> }> {
  if (process.env.TEST_DATABASE_URL) {
    const test: TestDatabase = await createTestDatabase();
    cleanups.push(() => test.drop());
    const target = test.target;
    return { target, open: () => openDatabase(target) };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "keel-crash-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const target: DatabaseTarget = { driver: "pglite", dataDir: path.join(dir, "pglite") };
  const first = await openDatabase(target);
  await migrateDatabase(first);
  await first.close();
  return { target, open: () => openDatabase(target) };
}

function runWorkerUntilKilled(target: DatabaseTarget, job: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    // Node with tsx's loader, not the tsx CLI: the CLI runs the script in a child of its own, which SIGKILL would leave running.
    const child = spawn(process.execPath, ["--import", "tsx", "test/fixtures/processes/step-worker.ts"], {
      env: { ...process.env, CRASH_TARGET: JSON.stringify(target), CRASH_JOB: JSON.stringify(job), KEEL_LOG_FILE: "" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    child.stdout.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("REACHED")) child.kill("SIGKILL");
    });
    child.on("exit", (_code, signal) =>
      signal === "SIGKILL" ? resolve() : reject(new Error(`the worker exited by itself (${signal ?? _code})`)),
    );
  });
}

describe(`killing the worker process (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("leaves the step interrupted; after a restart, retry completes it and the effect happened once", async () => {
    const shared = await sharedDatabase();
    let handle = await shared.open();
    let engine = await createTestEngine(handle.db);
    await installRunbook(handle.db, runbook);
    const { user } = await createTestUser(handle.db, { role: "responder" });
    let caller = await callerAs(handle.db, user, engine);
    const { runId } = await caller.runs.start({
      runbookId: "crashable",
      inputs: { gate: "forever" },
      requestKey: randomUUID(),
    });
    await engine.drain();
    await caller.runs.execute({ runId, stepId: "apply" });
    const job = engine.queue.jobs.shift()!;
    await handle.close(); // PGlite allows one process at a time; on PostgreSQL this mimics the restart

    await runWorkerUntilKilled(shared.target, job);

    handle = await shared.open();
    const leases = stepLeasesFor(handle);
    engine = await createTestEngine(handle.db, leases);
    caller = await callerAs(handle.db, user, engine);
    expect((await caller.runs.get({ runId })).steps[0]!.status).toBe("running");
    expect(await countRows(handle.db, "test_effects", "crashable")).toBe(1);

    // The restarted process sweeps: nobody holds the dead worker's lease.
    expect(await sweepSteps(engine, { requeueAfterMs: 3_600_000 })).toMatchObject({ interrupted: 1 });
    const interrupted = await caller.runs.get({ runId });
    expect(interrupted.status).toBe("interrupted");

    gates.set("forever", { reached: () => undefined, release: Promise.resolve() });
    await caller.runs.retry({ runId, stepId: "apply" });
    await engine.drain();
    expect((await caller.runs.get({ runId })).status).toBe("succeeded");
    expect(await countRows(handle.db, "test_effect_calls", "crashable")).toBe(2);
    expect(await countRows(handle.db, "test_effects", "crashable")).toBe(1);
    expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });
    await leases.close();
    await handle.close();
  }, 120_000);
});

/**
 * `npm run bench:interrupt [-- --kills 20]`: how long a killed worker's step shows `running`.
 * Each round runs one step in a real worker process (test/fixtures/processes/step-worker.ts),
 * kills it with SIGKILL mid-action, and times until the database holds the step `interrupted`,
 * found by the orphan sweep every instance runs (server/engine/sweep.ts), here running in this
 * process as another instance would. Prints p50/p95/max. PostgreSQL only (TEST_DATABASE_URL; a
 * throwaway database is created and dropped): on embedded PGlite one process owns the database.
 * A script, not a test.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { openDatabase } from "../db/client";
import { migrateDatabase } from "../db/migrate";
import { users } from "../db/schema";
import { dispatch } from "../server/engine/dispatch";
import { stepLeasesFor } from "../server/engine/leases/leases-for";
import { startRun } from "../server/engine/start-run";
import { ORPHAN_SWEEP_EVERY_MS, startOrphanSweep } from "../server/engine/sweep";
import { createTestEngine, installRunbook } from "../test/support/engine";
import { quoteIdent, runAdminStatement, uniqueDatabaseName, urlForDatabase } from "../test/support/postgres-admin";
import { killStepWorker, startStepWorker, waitWhileStatus } from "../test/support/step-workers";

for (const name of ["AUTH_SECRET", "AUDIT_HMAC_KEY", "ENCRYPTION_KEY", "AUDIT_SIGNING_KEY"])
  process.env[name] ??= randomBytes(32).toString("base64");
process.env.LOG_LEVEL ??= "warn";

const args = process.argv.slice(2);
const KILLS = Number(args[args.indexOf("--kills") + 1] ?? 0) || 20;

const held = {
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
      input: { label: "held", gate: "forever" },
    },
  ],
};

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  const baseUrl = process.env.TEST_DATABASE_URL;
  if (!baseUrl)
    throw new Error("Set TEST_DATABASE_URL to a PostgreSQL server (a throwaway database is created on it).");
  const name = uniqueDatabaseName("keel_bench_interrupt");
  await runAdminStatement(baseUrl, `create database ${quoteIdent(name)}`);
  const handle = await openDatabase({ driver: "pg", url: urlForDatabase(baseUrl, name) });
  const leases = stepLeasesFor(handle);
  let stop = () => undefined as void;
  try {
    await migrateDatabase(handle);
    const engine = await createTestEngine(handle.db, leases);
    await installRunbook(handle.db, held);
    const [user] = await handle.db
      .insert(users)
      .values({
        email: "bench@example.test",
        name: "Bench",
        role: "responder",
        passwordHash: "unused",
        mustChangePassword: false,
      })
      .returning();
    // The engine's own functions, as the tRPC procedures call them (the caller is for Next.js's server only).
    const person = { userId: user!.id, label: user!.email, sessionId: null, request: {} };
    stop = startOrphanSweep(engine);
    out(`Killing a worker mid-step ${KILLS} times; another instance sweeps every ${ORPHAN_SWEEP_EVERY_MS} ms.`);
    const samples: number[] = [];
    for (let i = 0; i < KILLS; i++) {
      const { runId } = await startRun(engine, person, { runbookId: "held", inputs: {}, requestKey: randomUUID() });
      await engine.drain();
      await dispatch(engine, {
        runId,
        command: { type: "execute", stepId: "apply", actor: { userId: user!.id, role: "responder" } },
        actor: person,
      });
      const worker = startStepWorker(handle.target, engine.queue.jobs.shift()!);
      await worker.reached;
      const killedAt = performance.now();
      await killStepWorker(worker);
      const status = await waitWhileStatus(handle.db, runId, "apply", "running", 60_000);
      if (status !== "interrupted") throw new Error(`the step became ${status}, not interrupted`);
      samples.push(performance.now() - killedAt);
      out(`  kill ${i + 1}: ${Math.round(samples.at(-1)!)} ms`);
    }
    const sorted = [...samples].sort((a, b) => a - b);
    out(
      `kill-to-interrupted over ${KILLS} kills: p50 ${Math.round(percentile(sorted, 50))} ms, p95 ${Math.round(percentile(sorted, 95))} ms, max ${Math.round(sorted.at(-1)!)} ms`,
    );
  } finally {
    stop();
    await leases.close();
    await handle.close();
    await runAdminStatement(baseUrl, `drop database if exists ${quoteIdent(name)} with (force)`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

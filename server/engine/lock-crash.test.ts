import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { runLocks, runs } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { createTestEngine, installRunbook } from "@/test/support/engine";
import { killKeelInstance, startKeelInstance, waitUntilHealthy } from "@/test/support/keel-instances";
import { callerAs, createTestUser } from "@/test/support/users";
import { dispatch } from "./dispatch";

const lockedNote = {
  id: "locked-note",
  title: "Locked note",
  summary: "Holds a resource lock until someone ends it.",
  risk: "low",
  inputs: [{ name: "label", label: "Label", type: "string" }],
  locks: [{ key: "resource:crash", onBusy: "wait" }],
  steps: [{ id: "note", kind: "manual", title: "Note", instructions: "Write it down." }],
};

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function pollUntil<T>(
  what: string | (() => string),
  timeoutMs: number,
  probe: () => Promise<T | null | undefined | false>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline)
      throw new Error(`${typeof what === "string" ? what : what()}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(!process.env.TEST_DATABASE_URL)(
  "killing the process that would wake a queued run (PostgreSQL only: two processes on one database)",
  () => {
    it("another instance's sweeper starts the queued runs within 10 s, in order, and a newer run does not jump the queue", async () => {
      const db: TestDatabase = await createTestDatabase();
      cleanups.push(() => db.drop());
      if (db.target.driver !== "pg") throw new Error("expected PostgreSQL");
      const url = db.target.url;
      const dataDir = mkdtempSync(path.join(os.tmpdir(), "keel-lock-crash-"));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));

      // The surviving instance: a real Keel process whose sweeper runs every 5 s.
      const survivor = startKeelInstance({
        DATABASE_URL: url,
        KEEL_DATA_DIR: dataDir,
        KEEL_DEMO: "off",
        KEEL_WORKERS: "1",
      });
      cleanups.push(() => killKeelInstance(survivor));

      const engine = await createTestEngine(db.db);
      await installRunbook(db.db, lockedNote);
      const { user: leadUser } = await createTestUser(db.db, { role: "lead" });
      const caller = await callerAs(db.db, (await createTestUser(db.db, { role: "responder" })).user, engine);
      const start = async () =>
        (await caller.runs.start({ runbookId: "locked-note", inputs: { label: "x" }, requestKey: randomUUID() })).runId;
      const statusOf = async (runId: string) =>
        (await db.db.select({ status: runs.status }).from(runs).where(eq(runs.id, runId)))[0]!.status;
      const holder = async () =>
        (await db.db.select({ runId: runLocks.runId }).from(runLocks).where(eq(runLocks.key, "resource:crash")))[0]
          ?.runId ?? null;
      const lead = { userId: leadUser.id, label: leadUser.email, sessionId: null, request: {} };
      const end = (runId: string) =>
        dispatch(engine, {
          runId,
          command: { type: "abort", actor: { userId: leadUser.id, role: "lead" }, reason: "done" },
          actor: lead,
        });

      const first = await start();
      const second = await start();
      const third = await start();
      expect([await statusOf(second), await statusOf(third)]).toEqual(["queued", "queued"]);
      await waitUntilHealthy(survivor, 120_000);

      // Hold the second run's row so that whoever wakes it waits: the dying process will be caught there.
      const blocker = new pg.Client({ connectionString: url });
      await blocker.connect();
      cleanups.push(() => blocker.end());
      await blocker.query("begin");
      await blocker.query("select 1 from runs where id = $1 for update", [second]);

      const dying = spawn(process.execPath, ["--import", "tsx", "test/fixtures/processes/end-run.ts"], {
        env: {
          ...process.env,
          CRASH_TARGET: JSON.stringify({ driver: "pg", url: withApplicationName(url, "keel-dying") }),
          END_RUN_ID: first,
          LEAD_USER_ID: leadUser.id,
          KEEL_LOG_FILE: "",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let dyingOutput = "";
      for (const stream of [dying.stdout, dying.stderr])
        stream.on("data", (chunk: Buffer) => (dyingOutput += chunk.toString()));
      const dyingExit = new Promise<NodeJS.Signals | number | null>((resolve) =>
        dying.on("exit", (code, signal) => resolve(signal ?? code)),
      );
      cleanups.push(() => void dying.kill("SIGKILL"));

      // Its run has ended and given the lock back; it is waiting to wake the second run. Kill it there.
      // (Asked outside the blocker's transaction: pg_stat_activity is read once per transaction.)
      const admin = db.raw.kind === "pg" ? db.raw.pool : null;
      await pollUntil(
        () => `the dying process waits to wake the queued run (its output: ${dyingOutput})`,
        60_000,
        async () => {
          const waiting = await admin!.query(
            "select 1 from pg_stat_activity where application_name = 'keel-dying' and wait_event_type = 'Lock'",
          );
          return waiting.rowCount! > 0 && (await statusOf(first)) === "cancelled";
        },
      );
      dying.kill("SIGKILL");
      expect(await dyingExit).toBe("SIGKILL");
      const killedAt = Date.now();
      expect(await holder()).toBeNull();

      // A newer run finds the lock free but queues behind the older waiters.
      const fourth = await start();
      expect(await statusOf(fourth)).toBe("queued");
      await blocker.query("rollback");

      await pollUntil(
        "the second run starts",
        10_000 - (Date.now() - killedAt),
        async () => (await holder()) === second,
      );
      expect(await statusOf(second)).toBe("waiting_operator");
      expect([await statusOf(third), await statusOf(fourth)]).toEqual(["queued", "queued"]);

      await end(second);
      expect(await holder()).toBe(third);
      expect(await statusOf(fourth)).toBe("queued");
      await end(third);
      expect(await holder()).toBe(fourth);
      expect(survivor.child.exitCode).toBeNull();
    }, 180_000);
  },
);

function withApplicationName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set("application_name", name);
  return parsed.toString();
}

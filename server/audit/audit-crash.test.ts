import { spawn } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle, type DatabaseTarget } from "@/db/client";
import { sql } from "drizzle-orm";
import { queryRows } from "@/db/execute";
import { auditChain, auditEvents } from "@/db/schema";
import { createTestDatabase } from "@/test/support/database";
import { linkPendingAuditEvents } from "./chainer";
import { verifyAuditChain } from "./verify";

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A PostgreSQL database the child and this process open at once. */
async function sharedTarget(): Promise<DatabaseTarget> {
  const test = await createTestDatabase();
  cleanups.push(() => test.drop());
  return test.target;
}

/** Runs the appender until it has committed `after` more rows, then kills it with SIGKILL. */
function appendUntilKilled(target: DatabaseTarget, after: number): Promise<void> {
  return new Promise((resolve, reject) => {
    // `node --import tsx`, not the tsx command: that would run the script in a grandchild the kill would miss.
    const child = spawn(process.execPath, ["--import", "tsx", "test/fixtures/processes/audit-appender.ts"], {
      env: { ...process.env, CRASH_TARGET: JSON.stringify(target), KEEL_LOG_FILE: "", PGAPPNAME: CHILD_APP },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let seen = 0;
    child.stdout.on("data", (chunk: Buffer) => {
      seen += chunk.toString().split("APPENDED").length - 1;
      if (seen >= after) child.kill("SIGKILL");
    });
    child.on("exit", (code, signal) =>
      signal === "SIGKILL" ? resolve() : reject(new Error(`the appender exited by itself (${signal ?? code})`)),
    );
  });
}

const CHILD_APP = "keel-audit-crash-child";

async function expectWholeChain(handle: DatabaseHandle) {
  // The killed process's sessions end when PostgreSQL notices; until then a commit it had sent may
  // still land, and its chainer pass may still hold the chainer lock.
  for (;;) {
    const [open] = await queryRows<{ n: number }>(
      handle.db,
      sql`select count(*)::int as n from pg_stat_activity where application_name = ${CHILD_APP}`,
    );
    if (open!.n === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (;;) if (!(await linkPendingAuditEvents(handle.db))?.more) break;
  const events = await handle.db.select({ seq: auditEvents.seq }).from(auditEvents);
  const entries = await handle.db.select().from(auditChain).orderBy(auditChain.pos);
  expect(entries.map((e) => Number(e.pos))).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
  expect(new Set(entries.map((e) => Number(e.eventSeq)))).toEqual(new Set(events.map((e) => Number(e.seq))));
  expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true, count: events.length, pending: 0 });
  return events.length;
}

// Several processes on one database: PostgreSQL. Embedded PGlite belongs to one process, and a
// kill -9 in the middle of its own disk writes is PGlite's durability, not the chain's.
describe.runIf(process.env.TEST_DATABASE_URL)("killing an appending process (postgres)", () => {
  it("loses no committed row and links each exactly once, however often it dies", { timeout: 180_000 }, async () => {
    const target = await sharedTarget();
    let before = 0;
    for (let kill = 1; kill <= 3; kill++) {
      await appendUntilKilled(target, 40 * kill);
      const handle = await openDatabase(target);
      try {
        const count = await expectWholeChain(handle);
        expect(count).toBeGreaterThan(before);
        before = count;
      } finally {
        await handle.close();
      }
    }
  });
});

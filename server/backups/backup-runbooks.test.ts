import { randomUUID } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { actionExecutions, auditEvents, runs, stepOutputLines } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { createTestEngine, installRunbook, type TestEngine } from "@/test/support/engine";
import { quoteIdent, runAdminStatement, uniqueDatabaseName, urlForDatabase } from "@/test/support/postgres-admin";
import { rememberSecret } from "@/test/support/secrets-used";
import { callerAs, createTestUser } from "@/test/support/users";
import { systemActor } from "../audit/actor";
import { verifyAuditChain } from "../audit/verify";
import { createSecret } from "../secrets/store";
import { saveTarget } from "../targets/commands";
import type { StepContext } from "../engine/actions/types";
import { listBackups } from "./backup-files";
import { backupCreateAction, backupListCheck, backupRestoreAction } from "./steps";

/**
 * The backup-database and restore-backup runbooks, run through the engine on Keel's own test
 * driver, against a real PostgreSQL database of this file's own (the machine's server).
 */
const SERVER = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const driver = process.env.TEST_DATABASE_URL ? "postgres" : "pglite";
const actor = systemActor();
let handle: TestDatabase;
let engine: TestEngine;
let backupDir: string;
const databases: string[] = [];
let shopUrl: string;
const password = rememberSecret(`pw-${randomUUID()}`);

async function sql(url: string, text: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query(text);
    return Array.isArray(result) ? (result.at(-1) as pg.QueryResult).rows : result.rows;
  } finally {
    await client.end();
  }
}

const everyRow = async () => ({
  customers: await sql(shopUrl, "select * from customers order by id"),
  orders: await sql(shopUrl, "select * from orders order by id"),
});

function withPassword(url: string): string {
  // The local server trusts 127.0.0.1; the password still travels, so its redaction is tested.
  const u = new URL(url);
  u.password = password;
  return u.toString();
}

async function people() {
  const responder = (await createTestUser(handle.db, { role: "responder" })).user;
  const lead = (await createTestUser(handle.db, { role: "lead" })).user;
  return { responder: await callerAs(handle.db, responder, engine), lead: await callerAs(handle.db, lead, engine) };
}

type Caller = Awaited<ReturnType<typeof people>>["responder"];

/** Drives a run as its people would: execute shown plans, approve as the lead, confirm manual steps, until it ends or stops. */
async function drive(runId: string, responder: Caller, lead: Caller) {
  for (let i = 0; i < 30; i++) {
    await engine.drain();
    const view = await responder.runs.get({ runId });
    if (["succeeded", "failed", "aborted"].includes(view.status)) return view;
    const step = view.steps.find((s) => s.id === view.currentStepId);
    if (!step) return view;
    if (step.status === "failed") return view;
    if (view.status === "waiting_approval")
      await lead.runs.approve({ runId, stepId: step.id, bindingHash: step.bindingHash! });
    else if (step.kind === "action" && step.status === "waiting_operator")
      await responder.runs.execute({ runId, stepId: step.id });
    else if (step.kind === "manual" && step.status === "waiting_operator")
      await responder.runs.confirm({ runId, stepId: step.id, note: "copied to the off-site bucket" });
  }
  throw new Error("the run did not settle");
}

beforeAll(async () => {
  handle = await createTestDatabase();
  engine = await createTestEngine(handle.db);
  for (const file of ["runbooks/backup-database.yaml", "runbooks/restore-backup.yaml"])
    await installRunbook(handle.db, parse(readFileSync(file, "utf8")));
  backupDir = mkdtempSync(path.join(os.tmpdir(), "keel-runbook-backups-"));
  const name = uniqueDatabaseName("keel_shop");
  databases.push(name);
  await runAdminStatement(SERVER, `create database ${quoteIdent(name)}`);
  shopUrl = urlForDatabase(SERVER, name);
  await sql(
    shopUrl,
    `create table customers (id serial primary key, name text not null, email text);
     create table orders (id serial primary key, customer_id int references customers(id), total numeric(10,2), placed_at timestamptz default '2026-11-30T10:00:00Z');
     insert into customers (name, email) values ('Ada', 'ada@example.test'), ('Bo', null), ('Chloé', 'c@example.test');
     insert into orders (customer_id, total) values (1, 10.00), (1, 2.50), (2, 99.99), (3, 0.10);`,
  );
  const secretName = `shop-url-${randomUUID().slice(0, 8)}`;
  await createSecret(handle.db, actor, {
    name: secretName,
    description: "",
    policy: { length: 32, alphabet: "base64url" },
    gracePeriodHours: 0,
    value: withPassword(shopUrl),
  });
  await saveTarget(
    handle.db,
    actor,
    {
      kind: "database",
      name: "shop",
      config: {
        driver: "postgres",
        urlSecret: secretName,
        backupDirectory: backupDir,
        expectedTables: ["customers", "orders"],
        healthQuery: "select count(*) from orders",
      },
    },
    "admin",
  );
  const downSecret = `down-url-${randomUUID().slice(0, 8)}`;
  await createSecret(handle.db, actor, {
    name: downSecret,
    description: "",
    policy: { length: 32, alphabet: "base64url" },
    gracePeriodHours: 0,
    value: "postgres://postgres@127.0.0.1:1/nowhere",
  });
  await saveTarget(
    handle.db,
    actor,
    {
      kind: "database",
      name: "shop-down",
      config: { driver: "postgres", urlSecret: downSecret, backupDirectory: path.join(backupDir, "down") },
    },
    "admin",
  );
});

afterAll(async () => {
  expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });
  await handle.drop();
  const rows = await sql(SERVER, `select datname from pg_database where datname like '${databases[0]!.slice(0, 40)}%'`);
  for (const row of rows)
    await runAdminStatement(SERVER, `drop database if exists ${quoteIdent(String(row.datname))} with (force)`);
  rmSync(backupDir, { recursive: true, force: true });
});

describe(`backup and restore runbooks (Keel on ${driver}, target on PostgreSQL)`, () => {
  it(
    "backs up, then restores the data row for row after a pre-restore backup, recording the restore time",
    { timeout: 180_000 },
    async () => {
      const { responder, lead } = await people();
      const before = await everyRow();

      const backupRun = await responder.runs.start({
        runbookId: "backup-database",
        inputs: { database: "shop" },
        requestKey: randomUUID(),
      });
      const backedUp = await drive(backupRun.runId, responder, lead);
      expect(backedUp.status).toBe("succeeded");
      const file = String(backedUp.steps.find((s) => s.id === "backup")!.output!.file);
      expect(listBackups(backupDir).map((b) => b.name)).toEqual([file]);
      expect(existsSync(path.join(backupDir, `${file}.sha256`))).toBe(true);

      // The incident: rows deleted and changed after the backup.
      await sql(
        shopUrl,
        "delete from orders where total > 5; update customers set email = 'oops'; insert into customers (name) values ('late')",
      );
      const damaged = await everyRow();

      const restoreRun = await responder.runs.start({
        runbookId: "restore-backup",
        inputs: { database: "shop", backup: file },
        requestKey: randomUUID(),
      });
      const restored = await drive(restoreRun.runId, responder, lead);
      expect(restored.steps.map((s) => [s.id, s.status])).toEqual([
        ["list", "succeeded"],
        ["verify", "succeeded"],
        ["approve", "succeeded"],
        ["pre-restore-backup", "succeeded"],
        ["restore", "succeeded"],
        ["health", "succeeded"],
        ["record-duration", "succeeded"],
      ]);
      expect(restored.status).toBe("succeeded");
      expect(await everyRow()).toEqual(before);

      // The pre-restore backup holds the damaged state, so the restore itself can be undone.
      const preRestore = String(restored.steps.find((s) => s.id === "pre-restore-backup")!.output!.file);
      expect(
        listBackups(backupDir)
          .map((b) => b.name)
          .sort(),
      ).toEqual([file, preRestore].sort());
      const restoreOutput = restored.steps.find((s) => s.id === "restore")!.output!;
      expect(restoreOutput).toMatchObject({
        mode: "scratch-then-swap",
        alreadyDone: false,
        rowCounts: { "public.customers": 3, "public.orders": 4 },
      });
      expect(typeof restoreOutput.durationMs).toBe("number");
      const kept = urlForDatabase(SERVER, String(restoreOutput.replacedBy));
      expect({
        customers: await sql(kept, "select * from customers order by id"),
        orders: await sql(kept, "select * from orders order by id"),
      }).toEqual(damaged);
      expect(restored.steps.find((s) => s.id === "record-duration")!.output).toMatchObject({
        passed: true,
        durationMs: restoreOutput.durationMs,
      });

      // pg_restore's progress reached the run's output; the password never did, nor the audit trail.
      const lines = await handle.db
        .select()
        .from(stepOutputLines)
        .where(and(eq(stepOutputLines.runId, restoreRun.runId), eq(stepOutputLines.stepId, "restore")));
      expect(lines.some((l) => l.text.includes('processing data for table "public.orders"'))).toBe(true);
      const everything = JSON.stringify([
        await handle.db.select().from(stepOutputLines),
        await handle.db.select().from(auditEvents),
        await handle.db.select().from(runs),
      ]);
      expect(everything).not.toContain(password);
    },
  );

  it(
    "applies a restore once when the same attempt is run again after a crash (same idempotency key)",
    { timeout: 120_000 },
    async () => {
      const lines: string[] = [];
      const context: StepContext = {
        db: handle.db,
        runId: randomUUID(),
        stepId: "restore",
        attempt: 1,
        idempotencyKey: `crash-test:${randomUUID()}`,
        resumed: false,
        log: (line) => lines.push(line),
        registerSecret: () => undefined,
        progress: () => undefined,
        signal: new AbortController().signal,
      };
      const backup = await backupCreateAction.execute(
        { database: "shop", reason: "crash test" },
        { ...context, stepId: "backup" },
      );
      // The same backup step resumed: the file it wrote is found, not written twice.
      const again = await backupCreateAction.execute(
        { database: "shop", reason: "crash test" },
        { ...context, stepId: "backup", resumed: true },
      );
      expect(again.output).toMatchObject({ file: backup.output!.file, reused: true });
      const file = String(backup.output!.file);
      const before = await everyRow();
      await sql(shopUrl, "delete from orders");

      const first = await backupRestoreAction.execute({ database: "shop", backup: file }, context);
      expect(first.output).toMatchObject({ alreadyDone: false });
      expect(await everyRow()).toEqual(before);
      // The application writes again; then the worker that finished the restore "crashes" before reporting, and the attempt is resumed.
      await sql(shopUrl, "insert into customers (name) values ('written after the restore')");
      const resumed = await backupRestoreAction.execute(
        { database: "shop", backup: file },
        { ...context, resumed: true },
      );
      expect(resumed.output).toMatchObject({ alreadyDone: true });
      expect(
        (await sql(shopUrl, "select count(*)::int as n from customers where name = 'written after the restore'"))[0],
      ).toEqual({ n: 1 });
      expect(lines).toContain(
        `An earlier attempt of this step already restored the backup and swapped it in (the old database is ${String(first.output!.replacedBy)}); not restoring again.`,
      );
    },
  );

  it("refuses a backup name with a path and an unknown database at the start, naming the field, with an audit row", async () => {
    const { responder } = await people();
    const before = (await handle.db.select().from(runs)).length;
    const traversal = await responder.runs
      .start({
        runbookId: "restore-backup",
        inputs: { database: "shop", backup: "../../etc/passwd" },
        requestKey: randomUUID(),
      })
      .catch((e: unknown) => e);
    expect(traversal).toMatchObject({
      code: "BAD_REQUEST",
      details: { fields: { "inputs.backup": expect.stringMatching(/Backup file/) } },
    });
    const unknown = await responder.runs
      .start({ runbookId: "restore-backup", inputs: { database: "nope", backup: "x.dump" }, requestKey: randomUUID() })
      .catch((e: unknown) => e);
    expect(unknown).toMatchObject({
      code: "BAD_REQUEST",
      details: { fields: { "inputs.database": expect.stringMatching(/shop/) } },
    });
    expect((await handle.db.select().from(runs)).length).toBe(before);
    const refusals = await handle.db.select().from(auditEvents).where(eq(auditEvents.eventType, "run.inputs_refused"));
    expect(refusals.filter((r) => r.entityId === "restore-backup")).toHaveLength(2);
  });

  it("refuses a backup that is not one of the database's at the start, naming the field and the backups there are", async () => {
    const { responder } = await people();
    const before = (await handle.db.select().from(runs)).length;
    const newest = listBackups(backupDir)[0]!.name;
    const missing = await responder.runs
      .start({
        runbookId: "restore-backup",
        inputs: { database: "shop", backup: "shop-19990101T000000Z-00000000.dump" },
        requestKey: randomUUID(),
      })
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({
      code: "BAD_REQUEST",
      message: "Check this field: Backup file.",
      details: {
        fields: {
          "inputs.backup": expect.stringContaining(
            `Backup file names shop-19990101T000000Z-00000000.dump, which is not a backup of shop. Leave it empty for the newest, or use one of ${newest}`,
          ),
        },
      },
    });
    expect((await handle.db.select().from(runs)).length).toBe(before);
    const refusals = await handle.db.select().from(auditEvents).where(eq(auditEvents.eventType, "run.inputs_refused"));
    expect(refusals.at(-1)?.eventMeta).toMatchObject({ fields: { "inputs.backup": expect.stringContaining(newest) } });
  });

  it("stops at the list when the backup is gone by the time the step runs, executing nothing", async () => {
    const { responder, lead } = await people();
    const gone = "shop-19990101T000000Z-00000000.dump";
    copyFileSync(path.join(backupDir, listBackups(backupDir)[0]!.name), path.join(backupDir, gone));
    const { runId } = await responder.runs.start({
      runbookId: "restore-backup",
      inputs: { database: "shop", backup: gone },
      requestKey: randomUUID(),
    });
    rmSync(path.join(backupDir, gone));
    const files = readdirSync(backupDir);
    const view = await drive(runId, responder, lead);
    const list = view.steps.find((s) => s.id === "list")!;
    expect(list.status).toBe("failed");
    expect(list.error).toMatch(
      /^There is no backup named shop-19990101T000000Z-00000000\.dump in .*; choose one of the backups listed in this step's output$/,
    );
    expect(readdirSync(backupDir)).toEqual(files);
    expect(
      await handle.db
        .select()
        .from(actionExecutions)
        .where(and(eq(actionExecutions.runId, runId), eq(actionExecutions.phase, "execute"))),
    ).toHaveLength(0);
    const failures = await handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.eventType, "step.failed"), eq(auditEvents.entityId, runId)));
    expect(failures.map((f) => f.eventMeta)).toEqual([
      expect.objectContaining({ stepId: "list", error: expect.stringMatching(/^There is no backup named /) }),
    ]);
  });

  it("stops at the first step when the database cannot be reached, naming the step", async () => {
    const { responder, lead } = await people();
    const { runId } = await responder.runs.start({
      runbookId: "backup-database",
      inputs: { database: "shop-down" },
      requestKey: randomUUID(),
    });
    const view = await drive(runId, responder, lead);
    const reachable = view.steps.find((s) => s.id === "reachable")!;
    expect(reachable.status).toBe("failed");
    expect(reachable.error).toMatch(
      /shop-down does not answer its health query: Cannot connect to postgres@127\.0\.0\.1:1\/nowhere/,
    );
    expect(existsSync(path.join(backupDir, "down"))).toBe(false);
  });

  it("warns when the newest backup is older than the recovery point objective, and fails when told to", async () => {
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000);
    for (const backup of listBackups(backupDir)) utimesSync(backup.path, threeDaysAgo, threeDaysAgo);
    const lines: string[] = [];
    const context = {
      db: handle.db,
      runId: randomUUID(),
      stepId: "list",
      attempt: 1,
      idempotencyKey: randomUUID(),
      resumed: false,
      log: (line: string) => lines.push(line),
      registerSecret: () => undefined,
      progress: () => undefined,
      signal: new AbortController().signal,
    };
    const warned = await backupListCheck.run({ database: "shop", failWhenStale: false }, context);
    expect(warned.passed).toBe(true);
    expect(warned.summary).toMatch(
      /^\d+ backups\. Warning: the newest backup, shop-\S+, is 3d old: older than the recovery point objective of 24h\./,
    );
    expect(warned.details).toMatchObject({
      stale: true,
      backups: expect.arrayContaining([expect.objectContaining({ age: "3d", size: expect.stringMatching(/KiB$/) })]),
    });
    expect(lines.some((l) => /^shop-\S+\.dump {2}[\d.]+ KiB {2}3d old {2}sha256 [0-9a-f]{12}…$/.test(l))).toBe(true);
    expect((await backupListCheck.run({ database: "shop", failWhenStale: true }, context)).passed).toBe(false);
  });
});

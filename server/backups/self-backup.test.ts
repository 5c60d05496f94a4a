import { createHash, randomUUID } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { and, desc, eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { appSettings, auditEvents, targets } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { quoteIdent, runAdminStatement, uniqueDatabaseName, urlForDatabase } from "@/test/support/postgres-admin";
import { createTestUser, uniqueEmail } from "@/test/support/users";
import { systemActor } from "../audit/actor";
import { verifyAuditChain } from "../audit/verify";
import { parseConnectionUrl } from "../connectors/postgres";
import { fillProbe, runProbe } from "../checklists/probes";
import { createBuiltinRegistry } from "../engine/builtins";
import type { StepContext } from "../engine/actions/types";
import { AppError } from "../errors";
import { metrics } from "../observability/metrics";
import { saveTarget } from "../targets/commands";
import type { RestoreRun } from "./backend";
import { listBackups } from "./backup-files";
import { EmbeddedBackend, readSqlBackupFile } from "./embedded-backend";
import { PostgresBackend } from "./postgres-backend";
import { listTargetViews } from "../targets/admin";
import {
  ownBackups,
  registerSelfBackupTarget,
  selfBackupStatus,
  sweepSelfBackup,
  type SelfBackupSettings,
} from "./self-backup";
import { backupCreateAction, backupListCheck, backupRestoreAction } from "./steps";

const HOUR = 3_600_000;
let handle: TestDatabase;
let root: string;
let knownEmail: string;
const droppedDatabases: string[] = [];

beforeAll(async () => {
  handle = await createTestDatabase();
  root = mkdtempSync(path.join(os.tmpdir(), "keel-self-backup-"));
  knownEmail = uniqueEmail("self-backup");
  await createTestUser(handle.db, { role: "lead", email: knownEmail });
});

afterAll(async () => {
  await handle.drop();
  rmSync(root, { recursive: true, force: true });
  const server = process.env.TEST_DATABASE_URL;
  for (const name of droppedDatabases)
    if (server) await runAdminStatement(server, `drop database if exists ${quoteIdent(name)} with (force)`);
});

// Each test starts with no claim: a success holds the period for a day.
beforeEach(async () => {
  await handle.db.delete(appSettings).where(eq(appSettings.key, "self-backup.claim"));
});

function settingsIn(name: string, overrides: Partial<SelfBackupSettings> = {}): SelfBackupSettings {
  return { everyHours: 24, directory: path.join(root, name), keep: 7, ...overrides };
}

async function selfBackupEvents() {
  return handle.db
    .select()
    .from(auditEvents)
    .where(eq(auditEvents.eventType, "keel.self_backup"))
    .orderBy(desc(auditEvents.seq));
}

function runFor(file: string): RestoreRun {
  return {
    file,
    marker: randomUUID().slice(0, 8),
    log: () => undefined,
    progress: () => undefined,
    signal: new AbortController().signal,
  };
}

function stepContext(): StepContext {
  return {
    db: handle.db,
    runId: randomUUID(),
    stepId: "restore",
    attempt: 1,
    idempotencyKey: randomUUID(),
    resumed: false,
    log: () => undefined,
    registerSecret: () => undefined,
    progress: () => undefined,
    signal: new AbortController().signal,
  };
}

/** The users rows of a database restored from `file` into a fresh database of the same driver. */
async function restoredEmails(file: string): Promise<string[]> {
  if (handle.driverName === "pglite") {
    const dataDir = path.join(root, `restored-${randomUUID().slice(0, 8)}`);
    const empty = new PGlite(dataDir);
    await empty.waitReady;
    await empty.close();
    await new EmbeddedBackend(dataDir).restore("in-place", runFor(file));
    const pgl = new PGlite(dataDir);
    try {
      return (await pgl.query<{ email: string }>("select email from users")).rows.map((r) => r.email);
    } finally {
      await pgl.close();
    }
  }
  const server = process.env.TEST_DATABASE_URL!;
  const name = uniqueDatabaseName("keel_self");
  await runAdminStatement(server, `create database ${quoteIdent(name)}`);
  droppedDatabases.push(name);
  const url = urlForDatabase(server, name);
  await new PostgresBackend(parseConnectionUrl(url), "postgres").restore("in-place", runFor(file));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ email: string }>("select email from users")).rows.map((r) => r.email);
  } finally {
    await client.end();
  }
}

describe("Keel backs up its own database", () => {
  it(
    "writes a complete backup file that restores into a fresh database, with an audit event and a metric",
    { timeout: 180_000 },
    async () => {
      const settings = settingsIn("one");
      const before = Date.now() / 1000;
      const outcome = await sweepSelfBackup(handle, settings);
      expect(outcome.status).toBe("succeeded");
      if (outcome.status !== "succeeded") return;
      const extension = handle.driverName === "pglite" ? "sql" : "dump";
      expect(outcome.file).toMatch(new RegExp(`^keel-\\d{8}T\\d{6}Z-[0-9a-f]{8}\\.${extension}$`));

      // The backup files module lists it, its checksum beside it matches, and no temporary file is left.
      const [listed] = listBackups(settings.directory);
      const bytes = readFileSync(listed!.path);
      expect(listed).toMatchObject({
        name: outcome.file,
        sizeBytes: bytes.length,
        sha256: createHash("sha256").update(bytes).digest("hex"),
      });
      expect(readdirSync(settings.directory).sort()).toEqual([outcome.file, `${outcome.file}.sha256`]);

      // Readable by the existing readers, with the rows of a known table.
      const contents =
        handle.driverName === "pglite"
          ? await readSqlBackupFile(listed!.path)
          : await new PostgresBackend(parseConnectionUrl(process.env.TEST_DATABASE_URL!), "postgres").readBackup(
              listed!.path,
              new AbortController().signal,
            );
      expect(contents.problems).toEqual([]);
      expect(contents.rowCounts["public.users"]).toBeGreaterThanOrEqual(1);
      expect(await restoredEmails(listed!.path)).toContain(knownEmail);

      const [event] = await selfBackupEvents();
      expect(event).toMatchObject({
        outcome: "success",
        actorLabel: "system",
        entityType: "target",
        entityId: "database:keel",
      });
      expect(event!.eventMeta).toMatchObject({
        file: outcome.file,
        bytes: bytes.length,
        sha256: listed!.sha256,
        directory: settings.directory,
      });
      expect(event!.eventMeta.durationMs).toEqual(expect.any(Number));
      expect((await verifyAuditChain(handle.db)).ok).toBe(true);

      const gauge = await metrics().selfBackupLastSuccess.get();
      expect(gauge.values[0]!.value).toBeGreaterThanOrEqual(Math.floor(before));
      const text = await metrics().registry.metrics();
      expect(text).toContain("keel_self_backup_last_success_timestamp_seconds");
      expect(text).toContain("keel_self_backup_failures_total");

      // Not due again within the period, due again after it.
      expect((await sweepSelfBackup(handle, settings, new Date(Date.now() + HOUR))).status).toBe("not-due");
      await handle.db.delete(appSettings).where(eq(appSettings.key, "self-backup.claim"));
      expect((await sweepSelfBackup(handle, { ...settings, everyHours: 0 })).status).toBe("off");
    },
  );

  it(
    "keeps the newest KEEL_SELF_BACKUP_KEEP of its own files and leaves other files alone",
    { timeout: 120_000 },
    async () => {
      const settings = settingsIn("retention", { keep: 3 });
      mkdirSync(settings.directory, { recursive: true });
      const extension = handle.driverName === "pglite" ? "sql" : "dump";
      const old: string[] = [];
      for (let day = 1; day <= 4; day++) {
        const name = `keel-2026010${day}T030000Z-0000000${day}.${extension}`;
        const file = path.join(settings.directory, name);
        writeFileSync(file, "-- an older self-backup\n");
        writeFileSync(`${file}.sha256`, `0  ${name}\n`);
        const at = new Date(Date.now() - (10 - day) * 24 * HOUR);
        utimesSync(file, at, at);
        old.push(name);
      }
      const foreign = path.join(settings.directory, "shop-20260101T000000Z-aaaaaaaa.sql");
      writeFileSync(foreign, "-- not Keel's\n");
      utimesSync(foreign, new Date(2020, 0, 1), new Date(2020, 0, 1));

      const outcome = await sweepSelfBackup(handle, settings);
      expect(outcome.status).toBe("succeeded");
      if (outcome.status !== "succeeded") return;
      // Newest first: the new one, then days 4 and 3; days 2 and 1 are gone with their checksum files.
      expect(ownBackups(settings.directory).map((b) => b.name)).toEqual([outcome.file, old[3], old[2]]);
      expect(outcome.removed.sort()).toEqual([old[0], old[1]].sort());
      for (const name of [old[0]!, old[1]!])
        expect(existsSync(path.join(settings.directory, `${name}.sha256`))).toBe(false);
      expect(existsSync(foreign)).toBe(true);
      expect((await selfBackupEvents())[0]!.eventMeta).toMatchObject({
        removed: expect.arrayContaining([old[0], old[1]]),
      });
    },
  );

  it("backs up once when two sweeps (two instances) run at the same time", { timeout: 120_000 }, async () => {
    const settings = settingsIn("concurrent");
    const eventsBefore = (await selfBackupEvents()).length;
    const outcomes = await Promise.all([sweepSelfBackup(handle, settings), sweepSelfBackup(handle, settings)]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["claimed-elsewhere", "succeeded"]);
    expect(ownBackups(settings.directory)).toHaveLength(1);
    expect((await selfBackupEvents()).length).toBe(eventsBefore + 1);
    // Another instance with its own (empty) directory still waits for the period the winner claimed.
    expect((await sweepSelfBackup(handle, settingsIn("concurrent-elsewhere"))).status).toBe("claimed-elsewhere");
  });

  it(
    "records a failure (unwritable directory) without throwing, and the next check tries again",
    { timeout: 120_000 },
    async () => {
      const blocker = path.join(root, "a-file");
      writeFileSync(blocker, "not a directory");
      const failuresBefore = (await metrics().selfBackupFailures.get()).values[0]?.value ?? 0;
      const outcome = await sweepSelfBackup(handle, settingsIn("a-file/backups"));
      expect(outcome.status).toBe("failed");
      expect((await metrics().selfBackupFailures.get()).values[0]!.value).toBe(failuresBefore + 1);
      const [event] = await selfBackupEvents();
      expect(event).toMatchObject({ outcome: "failure", entityId: "database:keel" });
      expect(String(event!.eventMeta.error)).toMatch(/ENOTDIR|not a directory/i);
      expect((await selfBackupStatus(handle.db)).lastFailure).toMatchObject({ error: String(event!.eventMeta.error) });
      // The claim was released: the next check (here with a writable directory) backs up at once.
      expect((await sweepSelfBackup(handle, settingsIn("after-failure"))).status).toBe("succeeded");
    },
  );

  it(
    "appears as the database target keel: the backup-age probe of a checklist for service keel passes, and fails when the newest is too old",
    { timeout: 120_000 },
    async () => {
      const settings = settingsIn("probe");
      const context = { db: handle.db, registry: createBuiltinRegistry(), itemId: randomUUID() };
      // The backups-enabled item of the service hardening review, applied to service keel.
      const probe = fillProbe(
        { probe: "backup-age", database: "{{service}}", maxAgeHours: 24 },
        { service: "keel", serviceUrl: "http://127.0.0.1:3000" },
      );

      expect(await registerSelfBackupTarget(handle.db, settings)).toBe("created");
      expect(await registerSelfBackupTarget(handle.db, settings)).toBe("unchanged");
      const [row] = await handle.db
        .select()
        .from(targets)
        .where(and(eq(targets.kind, "database"), eq(targets.name, "keel")));
      expect(row).toMatchObject({
        source: "builtin",
        config: { driver: "keel", backupDirectory: settings.directory, everyHours: 24, recoveryPointObjective: "24h" },
      });

      const none = await runProbe(probe, { ...context, now: new Date() });
      expect(none).toMatchObject({ passed: false, summary: expect.stringContaining("has no backup") });

      const outcome = await sweepSelfBackup(handle, settings);
      expect(outcome.status).toBe("succeeded");
      const fresh = await runProbe(probe, { ...context, now: new Date() });
      expect(fresh.passed).toBe(true);
      expect(fresh.observed).toMatchObject({ backup: outcome.status === "succeeded" ? outcome.file : "" });
      const stale = await runProbe(probe, { ...context, now: new Date(Date.now() + 30 * HOUR) });
      expect(stale).toMatchObject({ passed: false, summary: expect.stringContaining("more than 24 h") });

      // Admin > Targets shows the last self-backup on the keel row.
      const view = (await listTargetViews(handle.db)).find((t) => t.kind === "database" && t.name === "keel");
      expect(view).toMatchObject({
        source: "builtin",
        selfBackup: { lastSuccess: { file: outcome.status === "succeeded" ? outcome.file : "" } },
      });
      expect((await listTargetViews(handle.db)).filter((t) => t.selfBackup !== null)).toHaveLength(1);

      // The backup list reads it like any database's backups.
      const listed = await backupListCheck.run(
        { database: "keel", failWhenStale: true },
        { ...stepContext(), stepId: "list" },
      );
      expect(listed.passed).toBe(true);

      // Turned off, the target goes: the probe says there is no such database rather than reading old files.
      expect(await registerSelfBackupTarget(handle.db, { ...settings, everyHours: 0 })).toBe("removed");
      expect((await runProbe(probe, { ...context, now: new Date() })).summary).toMatch(
        /^No database target is named "keel", so its backups cannot be found\. .*an admin to add a database target named keel in Admin > Targets\.$/,
      );
    },
  );

  it(
    "refuses to restore over the running console, and only Keel registers its own database",
    { timeout: 60_000 },
    async () => {
      const settings = settingsIn("refusal");
      await registerSelfBackupTarget(handle.db, settings);
      const outcome = await sweepSelfBackup(handle, settings);
      if (outcome.status !== "succeeded") throw new Error(`expected a backup, got ${outcome.status}`);
      for (const phase of ["plan", "execute"] as const) {
        const error = await backupRestoreAction[phase]({ database: "keel", backup: outcome.file }, stepContext()).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).message).toContain("restoring over it is refused");
      }
      // backup-database does not dump it from a step either: Keel's schedule does.
      const dump = await backupCreateAction.plan({ database: "keel", reason: "on request" }, stepContext()).then(
        () => null,
        (e: unknown) => e,
      );
      expect((dump as AppError).message).toContain("Keel backs it up itself");
      // The console still answers and holds its rows.
      expect((await handle.db.select().from(targets).where(eq(targets.name, "keel"))).length).toBe(1);

      const copy = await saveTarget(
        handle.db,
        systemActor(),
        {
          kind: "database",
          name: "fake-keel",
          config: { driver: "keel", everyHours: 1, backupDirectory: settings.directory },
        },
        "admin",
      ).then(
        () => null,
        (e: unknown) => e,
      );
      expect(copy).toBeInstanceOf(AppError);
      expect((copy as AppError).details).toMatchObject({
        fields: { "config.driver": expect.stringContaining("Keel registers itself") },
      });
      expect(await handle.db.select().from(targets).where(eq(targets.name, "fake-keel"))).toEqual([]);
    },
  );
});

import { randomUUID } from "node:crypto";
import { chmodSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pgDump } from "@electric-sql/pglite-tools/pg_dump";
import { and, desc, eq, sql } from "drizzle-orm";
import type { DatabaseHandle, Queryable } from "@/db/client";
import { appSettings, auditEvents } from "@/db/schema";
import { appendAuditEvent } from "../audit/append";
import { systemActor } from "../audit/actor";
import { getEnv, type Env } from "../config/env";
import { locateTool, parseConnectionUrl, runTool, serverMajorVersion } from "../connectors/postgres";
import { AppError } from "../errors";
import { getLogger } from "../observability/logger";
import { metrics } from "../observability/metrics";
import { removeTarget, saveTarget } from "../targets/commands";
import {
  backupFileName,
  completeBackup,
  ensureBackupDirectory,
  listBackups,
  partialPathFor,
  removePartial,
  type BackupFile,
} from "./backup-files";
import { startPeriodic } from "../engine/periodic";
import { removeStalePartials } from "./partial-files";

/**
 * Keel backs up its own database: every KEEL_SELF_BACKUP_HOURS, one instance (the one that
 * claims the period) writes a backup into KEEL_SELF_BACKUP_DIR in the backup files' format
 * (keel-<UTC>-<id>.sql from PGlite, .dump from pg_dump -Fc, with a .sha256 beside it), then
 * keeps the newest KEEL_SELF_BACKUP_KEEP. The directory is the `keel` database target's, so the
 * backup list, the backup-age probe and a restore onto another database read it like any other.
 */

export const SELF_TARGET_NAME = "keel";
const HOUR_MS = 3_600_000;
/** How long a claim holds while its backup runs; a crashed instance's claim runs out after it. */
const CLAIM_LEASE_MS = HOUR_MS;
const CLAIM_KEY = "self-backup.claim";
/** Only files the self-backup itself wrote are pruned. */
const OWN_FILE = /^keel-\d{8}T\d{6}Z-[0-9a-f]{8}\.(sql|dump)$/;
const OWN_PARTIAL = /^\.keel-.*\.partial$/;

export type SelfBackupSettings = { everyHours: number; directory: string; keep: number };

export function selfBackupSettings(env: Env = getEnv()): SelfBackupSettings {
  const directory = env.KEEL_SELF_BACKUP_DIR ?? path.join(env.KEEL_DATA_DIR, "backups", "keel");
  return {
    everyHours: env.KEEL_SELF_BACKUP_HOURS,
    directory: path.resolve(/*turbopackIgnore: true*/ directory),
    keep: env.KEEL_SELF_BACKUP_KEEP,
  };
}

export type SelfBackupOutcome =
  | { status: "off" }
  | { status: "not-due"; newest: string; dueAt: Date }
  | { status: "claimed-elsewhere" }
  | { status: "succeeded"; file: string; sizeBytes: number; sha256: string; durationMs: number; removed: string[] }
  | { status: "failed"; error: string };

/** The backups the self-backup wrote, newest first. */
export function ownBackups(directory: string): BackupFile[] {
  return listBackups(directory).filter((b) => OWN_FILE.test(b.name));
}

/**
 * Makes the built-in `keel` database target match the settings: its backup directory is the
 * self-backup directory, its RPO the period. Off (0 hours), the target is removed, so the
 * backup-age probe says plainly that Keel's own database has no backups.
 */
export async function registerSelfBackupTarget(
  db: Queryable,
  settings: SelfBackupSettings,
): Promise<"created" | "updated" | "unchanged" | "removed" | "conflict"> {
  if (settings.everyHours === 0) {
    await removeTarget(db, systemActor(), "database", SELF_TARGET_NAME, "builtin");
    return "removed";
  }
  const config = {
    driver: "keel",
    everyHours: settings.everyHours,
    backupDirectory: settings.directory,
    recoveryPointObjective: `${settings.everyHours}h`,
  };
  try {
    return await saveTarget(
      db,
      systemActor(),
      {
        kind: "database",
        name: SELF_TARGET_NAME,
        description: "The console's own data: runs, audit trail, users, encrypted secrets.",
        config,
      },
      "builtin",
    );
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== "CONFLICT") throw error;
    getLogger().warn(
      { target: `database:${SELF_TARGET_NAME}` },
      `a database target named ${SELF_TARGET_NAME} already exists (targets file or admin page); Keel's own database is not registered under that name, but it is still backed up into ${settings.directory}`,
    );
    return "conflict";
  }
}

/**
 * Backs Keel's own database up when the newest self-backup is older than the period and this
 * call wins the period's claim. Never throws for a failed backup: it is logged, counted, audited
 * (`keel.self_backup`, outcome failure) and tried again at the next check.
 */
export async function sweepSelfBackup(
  handle: DatabaseHandle,
  settings: SelfBackupSettings,
  now: Date = new Date(),
): Promise<SelfBackupOutcome> {
  if (settings.everyHours === 0) return { status: "off" };
  const log = getLogger().child({ job: "self-backup" });
  const periodMs = settings.everyHours * HOUR_MS;
  const newest = newestOwnBackup(settings.directory);
  if (newest) metrics().selfBackupLastSuccess.set(newest.modifiedAt.getTime() / 1000);
  if (newest && now.getTime() - newest.modifiedAt.getTime() < periodMs)
    return { status: "not-due", newest: newest.name, dueAt: new Date(newest.modifiedAt.getTime() + periodMs) };

  const claimant = randomUUID();
  if (!(await claimPeriod(handle.db, claimant, now))) return { status: "claimed-elsewhere" };

  const started = performance.now();
  let partial: string | null = null;
  try {
    ensureBackupDirectory(settings.directory);
    // A crash mid-dump leaves its temporary file; a running dump's is younger than the claim lease.
    removeStalePartials(settings.directory, now, CLAIM_LEASE_MS, (name) => OWN_PARTIAL.test(name));
    const name = backupFileName(
      SELF_TARGET_NAME,
      now,
      claimant.slice(0, 8),
      handle.raw.kind === "pg" ? "custom" : "sql",
    );
    partial = partialPathFor(settings.directory, name);
    await dumpOwnDatabase(handle, partial);
    const backup = await completeBackup(settings.directory, partial, name);
    partial = null;
    const removed = pruneOwnBackups(settings.directory, settings.keep);
    const durationMs = Math.round(performance.now() - started);
    const meta = {
      file: backup.name,
      bytes: backup.sizeBytes,
      sha256: backup.sha256,
      durationMs,
      directory: settings.directory,
      removed,
    };
    await handle.db.transaction(async (tx) => {
      await settleClaim(tx, claimant, new Date(now.getTime() + periodMs));
      await appendAuditEvent(tx, systemActor(), {
        eventType: "keel.self_backup",
        outcome: "success",
        entityType: "target",
        entityId: `database:${SELF_TARGET_NAME}`,
        meta,
      });
    });
    metrics().selfBackupLastSuccess.set(backup.modifiedAt.getTime() / 1000);
    log.info(meta, `backed up Keel's own database to ${backup.name}`);
    return {
      status: "succeeded",
      file: backup.name,
      sizeBytes: backup.sizeBytes,
      sha256: backup.sha256!,
      durationMs,
      removed,
    };
  } catch (error) {
    if (partial) removePartial(partial);
    const message = error instanceof Error ? error.message : String(error);
    const durationMs = Math.round(performance.now() - started);
    metrics().selfBackupFailures.inc();
    log.error(
      { err: error, directory: settings.directory },
      `Keel could not back up its own database: ${message}; it tries again at the next check`,
    );
    try {
      await handle.db.transaction(async (tx) => {
        // Released: the next check (of any instance) tries again instead of waiting a whole period.
        await settleClaim(tx, claimant, now);
        await appendAuditEvent(tx, systemActor(), {
          eventType: "keel.self_backup",
          outcome: "failure",
          entityType: "target",
          entityId: `database:${SELF_TARGET_NAME}`,
          meta: { error: message, directory: settings.directory, durationMs },
        });
      });
    } catch (auditError) {
      log.error({ err: auditError }, "recording the failed self-backup failed");
    }
    return { status: "failed", error: message };
  }
}

/**
 * The newest self-backup, or none when the directory cannot be read: the backup attempt that
 * follows then fails on the same directory, and that failure is recorded and logged with its cause.
 */
function newestOwnBackup(directory: string): BackupFile | undefined {
  try {
    return ownBackups(directory)[0];
  } catch {
    return undefined;
  }
}

export type SelfBackupStatus = {
  lastSuccess: { at: Date; file: string; bytes: number } | null;
  lastFailure: { at: Date; error: string } | null;
};

/** The last successful and the last failed self-backup, from the audit trail (every instance's). */
export async function selfBackupStatus(db: Queryable): Promise<SelfBackupStatus> {
  const newest = (outcome: "success" | "failure") =>
    db
      .select({ at: auditEvents.createdAt, meta: auditEvents.eventMeta })
      .from(auditEvents)
      .where(and(eq(auditEvents.eventType, "keel.self_backup"), eq(auditEvents.outcome, outcome)))
      .orderBy(desc(auditEvents.seq))
      .limit(1);
  const [[success], [failure]] = await Promise.all([newest("success"), newest("failure")]);
  return {
    lastSuccess: success
      ? { at: success.at, file: String(success.meta.file ?? ""), bytes: Number(success.meta.bytes ?? 0) }
      : null,
    lastFailure: failure ? { at: failure.at, error: String(failure.meta.error ?? "") } : null,
  };
}

/**
 * Takes the period for this claimant: one atomic upsert that succeeds only when no other claim
 * holds (a backup running elsewhere, or one completed less than a period ago).
 */
async function claimPeriod(db: Queryable, claimant: string, now: Date): Promise<boolean> {
  const value = {
    claimant,
    until: new Date(now.getTime() + CLAIM_LEASE_MS).toISOString(),
    startedAt: now.toISOString(),
  };
  const taken = await db
    .insert(appSettings)
    .values({ key: CLAIM_KEY, value, updatedAt: now })
    .onConflictDoUpdate({
      target: appSettings.key,
      set: { value, updatedAt: now },
      setWhere: sql`(${appSettings.value}->>'until')::timestamptz <= ${now.toISOString()}::timestamptz`,
    })
    .returning({ key: appSettings.key });
  return taken.length === 1;
}

/** The claim now holds until `until` (the next period after a success, now after a failure). */
async function settleClaim(db: Queryable, claimant: string, until: Date): Promise<void> {
  await db
    .update(appSettings)
    .set({ value: { claimant, until: until.toISOString() }, updatedAt: new Date() })
    .where(and(eq(appSettings.key, CLAIM_KEY), sql`${appSettings.value}->>'claimant' = ${claimant}`));
}

/**
 * Writes a complete dump of the console's own database to `file`. PGlite admits one process per
 * data directory, so it is the console's own handle: a snapshot of its data directory is taken
 * under PGlite's transaction lock (between transactions, so it is consistent) and dumped from an
 * in-memory copy, which keeps the console answering during the dump and pg_dump's own
 * transaction out of the console's connection.
 */
export async function dumpOwnDatabase(handle: DatabaseHandle, file: string): Promise<void> {
  if (handle.raw.kind === "pglite") {
    const client = handle.raw.client;
    const snapshot = await client._runExclusiveTransaction(() => client.dumpDataDir("none"));
    const copy = await PGlite.create({ loadDataDir: snapshot });
    try {
      // --clean --if-exists, as the embedded backend writes them: restorable over an existing database.
      const dumped = await pgDump({ pg: copy, args: ["--clean", "--if-exists"] });
      writeFileSync(file, Buffer.from(await dumped.arrayBuffer()), { mode: 0o600 });
    } finally {
      await copy.close();
    }
    return;
  }
  if (handle.target.driver !== "pg") throw new Error("the PostgreSQL handle has no connection URL");
  const connection = parseConnectionUrl(handle.target.url);
  const major = await serverMajorVersion(connection);
  let tool;
  try {
    tool = await locateTool("pg_dump", major);
  } catch (error) {
    throw new Error(
      `Keel cannot back up its own PostgreSQL database (server ${major}) without pg_dump: ${(error as Error).message}`,
    );
  }
  await runTool(tool, ["--format=custom", "--no-password", `--file=${file}`], connection);
  // The dump holds password hashes and the (encrypted) secret store: readable by Keel's user only.
  chmodSync(file, 0o600);
}

/** Deletes self-backups beyond the newest `keep`, each with its checksum file; returns their names. */
export function pruneOwnBackups(directory: string, keep: number): string[] {
  const removed: string[] = [];
  for (const backup of ownBackups(directory).slice(keep)) {
    rmSync(`${backup.path}.sha256`, { force: true });
    rmSync(backup.path, { force: true });
    removed.push(backup.name);
  }
  return removed;
}

/**
 * Registers the `keel` target, then checks now and every `checkEveryMs` (a quarter of an hour, or
 * the period when shorter) whether a backup is due; returns the stop function.
 */
export function startSelfBackupSweep(
  handle: DatabaseHandle,
  settings: SelfBackupSettings = selfBackupSettings(),
  checkEveryMs = Math.min(Math.max(settings.everyHours, 1) * HOUR_MS, 15 * 60_000),
): () => void {
  const log = getLogger().child({ job: "self-backup" });
  let registered = false;
  const sweep = async () => {
    if (!registered) {
      await registerSelfBackupTarget(handle.db, settings);
      registered = true;
    }
    await sweepSelfBackup(handle, settings);
  };
  if (settings.everyHours === 0) log.info("Keel's own database is not backed up by Keel (KEEL_SELF_BACKUP_HOURS=0)");
  // Off, it still runs once: registering the settings removes the `keel` target.
  return startPeriodic(sweep, {
    everyMs: settings.everyHours === 0 ? 0 : checkEveryMs,
    onError: (error) => log.error({ err: error }, "the self-backup check failed"),
  });
}

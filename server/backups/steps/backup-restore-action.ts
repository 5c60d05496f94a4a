import { z } from "zod";
import type { ActionDefinition } from "../../engine/actions/types";
import { formatBytes, resolveBackup } from "../backup-files";
import { SELF_RESTORE_REFUSED, type DatabaseTargetConfig, type ExternalDatabaseConfig } from "../database-target";
import { AppError } from "../../errors";
import { markerOf, openDatabaseTarget } from "../open-backend";
import { formatElapsed } from "./describe-backups";
import { backupField, databaseField } from "./inputs";

const input = z.strictObject({ database: databaseField, backup: backupField });

/**
 * Restores a database target from one of its backups, the way its target says: into a scratch
 * database that is compared row count by row count with the backup and then swapped in by
 * renaming (the old database is kept), or in place in one transaction. The measured duration is
 * the evidence for the recovery time objective. A retry after a crash finds what the interrupted
 * attempt did (scratch database, swap done) and restores once.
 */
export const backupRestoreAction: ActionDefinition<z.infer<typeof input>> = {
  name: "backup.restore",
  title: "Restore a database from a backup",
  description:
    "Replaces a database's content with a backup's: scratch-then-swap or in place in one transaction, compared row for row count, then health-checked.",
  highRisk: true,
  input,
  async plan({ database, backup }, context) {
    const { config: target, backend } = await openDatabaseTarget(context.db, database, (v) =>
      context.registerSecret(v),
    );
    const config = restorable(target);
    const file = resolveBackup(config.backupDirectory, backup);
    await backend.checkReachable();
    const what = `${file.name} (${formatBytes(file.sizeBytes)}${file.sha256 ? `, sha256 ${file.sha256.slice(0, 16)}…` : ""})`;
    const names = backend.restoreNames("<id>");
    const changes =
      config.restoreMode === "scratch-then-swap"
        ? [
            {
              target: names.scratch,
              description:
                "A scratch database is created and the backup restored into it; its row counts are compared with the backup's.",
              before: "does not exist",
              after: `restored from ${file.name}`,
            },
            {
              target: `${database} (${backend.location})`,
              description:
                "Swapped by renaming: the restored copy takes the database's name; sessions still connected are closed.",
              before: "current data",
              after: `the data of ${file.name}`,
            },
            {
              target: names.replaced,
              description: "The database as it was before the restore is kept under this name until someone drops it.",
              before: "does not exist",
              after: "the data from before the restore",
            },
          ]
        : [
            {
              target: `${database} (${backend.location})`,
              description:
                "Every object in the backup is dropped and restored in one transaction (--single-transaction): the database ends as it was or as the backup.",
              before: "current data",
              after: `the data of ${file.name}`,
            },
          ];
    return {
      summary: `Restore ${database} from ${what}, ${config.restoreMode === "scratch-then-swap" ? "through a scratch database then a swap" : "in place in one transaction"}, then run its health query.`,
      changes,
      warnings: [
        `Data written to ${database} after ${file.name} was taken is not in it. Back up ${database} as it is now before this runs (restore-backup does, as its own step).`,
      ],
    };
  },
  async execute({ database, backup }, context) {
    const started = performance.now();
    const { config: target, backend } = await openDatabaseTarget(context.db, database, (v) =>
      context.registerSecret(v),
    );
    const config = restorable(target);
    const file = resolveBackup(config.backupDirectory, backup);
    context.log(`Restoring ${database} (${backend.location}) from ${file.name}, ${config.restoreMode}`, "info");
    const outcome = await backend.restore(config.restoreMode, {
      file: file.path,
      marker: markerOf(context.idempotencyKey),
      log: (line, stream) => context.log(line, stream),
      progress: (fraction, message) => context.progress(fraction, message),
      signal: context.signal,
    });
    const durationMs = Math.round(performance.now() - started);
    const rows = Object.entries(outcome.rowCounts)
      .map(([t, n]) => `${t} ${n}`)
      .join(", ");
    return {
      summary: `Restored ${database} from ${file.name} in ${formatElapsed(durationMs)}${outcome.alreadyDone ? " (finishing an earlier attempt)" : ""}; rows: ${rows || "none"}.${outcome.replacedBy ? ` The old database is kept as ${outcome.replacedBy}.` : ""}`,
      output: {
        backup: file.name,
        mode: outcome.mode,
        durationMs,
        duration: formatElapsed(durationMs),
        rowCounts: outcome.rowCounts,
        replacedBy: outcome.replacedBy,
        alreadyDone: outcome.alreadyDone,
      },
    };
  },
  async verify({ database }, context) {
    const { config, backend } = await openDatabaseTarget(context.db, database, (v) => context.registerSecret(v));
    try {
      const result = await backend.healthQuery(config.healthQuery);
      return { ok: true, summary: `${database} answers its health query (first value: ${String(result.firstValue)}).` };
    } catch (error) {
      return {
        ok: false,
        summary: `${database} does not answer its health query after the restore: ${(error as Error).message}`,
      };
    }
  },
};

/** Keel's own database is never the destination of a restore: the console is running on it. */
function restorable(config: DatabaseTargetConfig): ExternalDatabaseConfig {
  if (config.driver === "keel") throw AppError.field("database", SELF_RESTORE_REFUSED);
  return config;
}

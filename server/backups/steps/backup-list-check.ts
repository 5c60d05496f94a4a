import { z } from "zod";
import { formatDuration, parseDuration } from "@/lib/runbooks/duration";
import type { CheckDefinition } from "../../engine/actions/types";
import { AppError } from "../../errors";
import { formatBytes, listBackups } from "../backup-files";
import { openDatabaseTarget } from "../open-backend";
import { ageSecondsOf, backupLine } from "./describe-backups";
import { backupField, databaseField } from "./inputs";

const input = z.strictObject({
  database: databaseField,
  /** The backup the run will use: the check fails when it is not in the directory. Empty: the newest. */
  backup: backupField.nullish(),
  /** Fail (rather than warn) when the newest backup is older than the recovery point objective. */
  failWhenStale: z.boolean().default(false),
});

/** Lists a database's backups with age and size, and says whether the newest meets the recovery point objective. */
export const backupListCheck: CheckDefinition<z.infer<typeof input>> = {
  name: "backup.list",
  title: "List backups",
  description:
    "Lists the backups in a database's backup directory, newest first, with age and size; warns when the newest is older than the recovery point objective.",
  input,
  async run({ database, backup, failWhenStale }, context) {
    const { config } = await openDatabaseTarget(context.db, database, (v) => context.registerSecret(v));
    const now = Date.now();
    const backups = listBackups(config.backupDirectory);
    const objective = parseDuration(config.recoveryPointObjective)!;
    context.log(
      `Backups of ${database} in ${config.backupDirectory} (recovery point objective ${config.recoveryPointObjective}):`,
      "info",
    );
    for (const b of backups) context.log(backupLine(b, now));
    const details = {
      directory: config.backupDirectory,
      recoveryPointObjective: config.recoveryPointObjective,
      backups: backups.map((b) => ({
        name: b.name,
        sizeBytes: b.sizeBytes,
        size: formatBytes(b.sizeBytes),
        ageSeconds: ageSecondsOf(b, now),
        age: formatDuration(ageSecondsOf(b, now)),
        modifiedAt: b.modifiedAt.toISOString(),
        sha256: b.sha256,
      })),
    };
    if (backups.length === 0)
      return {
        passed: false,
        summary: `There are no backups of ${database} in ${config.backupDirectory}.`,
        details: { ...details, stale: true },
      };
    if (backup && !backups.some((b) => b.name === backup)) {
      throw AppError.field(
        "backup",
        `There is no backup named ${backup} in ${config.backupDirectory}; choose one of the backups listed in this step's output`,
        "NOT_FOUND",
      );
    }
    const newest = backups[0]!;
    // What later steps restore: the backup asked for, or else the newest (output `chosen`).
    const chosen = backup ?? newest.name;
    context.log(backup ? `Chosen: ${chosen}` : `No backup was named, so the newest is used: ${chosen}`, "info");
    const age = ageSecondsOf(newest, now);
    const stale = age > objective;
    const count = `${backups.length} backup${backups.length === 1 ? "" : "s"}`;
    if (stale) {
      const warning = `Warning: the newest backup, ${newest.name}, is ${formatDuration(age)} old: older than the recovery point objective of ${config.recoveryPointObjective}. Data written since then will be lost.`;
      context.log(warning, "stderr");
      return {
        passed: !failWhenStale,
        summary: `${count}. ${warning}`,
        details: { ...details, newest: newest.name, chosen, stale },
      };
    }
    return {
      passed: true,
      summary: `${count}; the newest, ${newest.name} (${formatBytes(newest.sizeBytes)}), is ${formatDuration(age)} old, within the recovery point objective of ${config.recoveryPointObjective}.`,
      details: { ...details, newest: newest.name, chosen, stale },
    };
  },
};

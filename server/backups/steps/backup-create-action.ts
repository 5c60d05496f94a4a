import path from "node:path";
import { z } from "zod";
import type { ActionDefinition, StepContext } from "../../engine/actions/types";
import { idempotencyKeyOf } from "../../engine/jobs/step-job";
import {
  backupFileName,
  completeBackup,
  ensureBackupDirectory,
  findBackupByMarker,
  formatBytes,
  partialPathFor,
  removePartial,
  sha256Of,
} from "../backup-files";
import { AppError } from "../../errors";
import { SELF_DUMP_REFUSED } from "../database-target";
import { markerOf, openDatabaseTarget } from "../open-backend";
import { removePartialsOfMarkers } from "../partial-files";
import { databaseField } from "./inputs";

const input = z.strictObject({
  database: databaseField,
  /** Why this backup is taken ("before restore", "daily"); shown in the plan and output. */
  reason: z.string().trim().max(200).default("on request"),
});

/**
 * Takes a full backup of a database target into its backup directory: pg_dump's custom format
 * (-Fc) for PostgreSQL, plain SQL for an embedded database. Written under a temporary name and
 * renamed when complete, with its SHA-256 beside it.
 */
export const backupCreateAction: ActionDefinition<z.infer<typeof input>> = {
  name: "backup.create",
  title: "Back up a database",
  description:
    "Dumps a database target into its backup directory (pg_dump -Fc, or SQL for an embedded database), with size and checksum.",
  input,
  async plan({ database, reason }, context) {
    const { config, backend } = await openDatabaseTarget(context.db, database, (v) => context.registerSecret(v));
    if (config.driver === "keel") throw AppError.field("database", SELF_DUMP_REFUSED);
    await backend.checkReachable();
    const tables = await backend.tables();
    const extension = backend.format === "custom" ? "dump" : "sql";
    return {
      summary: `Back up ${database} (${backend.location}) into ${config.backupDirectory} (${reason}).`,
      changes: [
        {
          target: config.backupDirectory,
          description: `A new file ${database}-<UTC time>-<id>.${extension}: ${backend.format === "custom" ? "pg_dump custom format (-Fc)" : "plain SQL from pg_dump"} of ${tables.length} tables, with a .sha256 file beside it. The database itself is only read.`,
          before: "no such file",
          after: `${database}-<UTC time>-<id>.${extension}`,
        },
      ],
    };
  },
  async execute({ database, reason }, context) {
    const { config, backend } = await openDatabaseTarget(context.db, database, (v) => context.registerSecret(v));
    const marker = markerOf(context.idempotencyKey);
    ensureBackupDirectory(config.backupDirectory);
    const earlier = findBackupByMarker(config.backupDirectory, marker);
    if (earlier) {
      context.log(`An earlier attempt of this step already wrote ${earlier.name}; not dumping again.`, "info");
      return resultOf(database, earlier, true);
    }
    const leftovers = removePartialsOfMarkers(config.backupDirectory, markersOfThisStep(context));
    if (leftovers.length > 0)
      context.log(
        `Removed ${leftovers.length} unfinished dump file(s) left by an earlier attempt of this step: ${leftovers.join(", ")}`,
        "info",
      );
    const name = backupFileName(database, new Date(), marker, backend.format);
    const partial = partialPathFor(config.backupDirectory, name);
    removePartial(partial);
    context.log(`Backing up ${database} (${reason}) to ${path.join(config.backupDirectory, name)}`, "info");
    context.progress(0.1, "dumping");
    try {
      await backend.dump(partial, (line, stream) => context.log(line, stream), context.signal);
    } catch (error) {
      removePartial(partial);
      throw error;
    }
    context.progress(0.9, "recording the checksum");
    const backup = await completeBackup(config.backupDirectory, partial, name);
    return resultOf(database, backup, false);
  },
  async verify({ database }, context, result) {
    const file = String(result.output?.path ?? "");
    const expected = String(result.output?.sha256 ?? "");
    const { backend } = await openDatabaseTarget(context.db, database, (v) => context.registerSecret(v));
    if ((await sha256Of(file)) !== expected)
      return { ok: false, summary: `${path.basename(file)} does not match the checksum recorded when it was written.` };
    const contents = await backend.readBackup(file, context.signal);
    if (contents.problems.length > 0) return { ok: false, summary: contents.problems.join(" ") };
    return {
      ok: true,
      summary: `${path.basename(file)} reads back: ${contents.createdTables.length} tables, checksum matches.`,
    };
  },
};

function resultOf(
  database: string,
  backup: { name: string; path: string; sizeBytes: number; sha256: string | null; format: string; modifiedAt: Date },
  reused: boolean,
) {
  return {
    summary: `Backed up ${database} to ${backup.name} (${formatBytes(backup.sizeBytes)}, sha256 ${backup.sha256?.slice(0, 12)}…).`,
    output: {
      file: backup.name,
      path: backup.path,
      sizeBytes: backup.sizeBytes,
      sha256: backup.sha256,
      format: backup.format,
      createdAt: backup.modifiedAt.toISOString(),
      reused,
    },
  };
}

/** The markers of this attempt and of every earlier attempt of the same step: their unfinished dumps are leftovers of crashes. */
function markersOfThisStep(context: StepContext): string[] {
  const earlier = Array.from({ length: context.attempt }, (_, i) =>
    markerOf(idempotencyKeyOf({ runId: context.runId, stepId: context.stepId, attempt: i + 1, phase: "execute" })),
  );
  return [...new Set([markerOf(context.idempotencyKey), ...earlier])];
}

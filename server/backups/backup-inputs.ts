import type { Queryable } from "@/db/client";
import type { InputDefinition } from "@/lib/runbooks/definition";
import { AppError } from "../errors";
import { getTargetConfig } from "../targets/catalog";
import { listBackups } from "./backup-files";
import type { DatabaseTargetConfig } from "./database-target";

const LISTED = 5;

/**
 * Checked when a run starts, after the schema: an input that names a backup (`backupOf` in the
 * runbook) must be one of the backups of the database chosen in the same form, so a run never
 * starts only to fail at its first step with inputs that can no longer be edited.
 * Returns what is wrong per input name; empty when all is well.
 */
export async function backupInputProblems(
  db: Queryable,
  inputs: InputDefinition[],
  values: Record<string, unknown>,
): Promise<Record<string, string>> {
  const problems: Record<string, string> = {};
  for (const input of inputs) {
    if (input.type !== "string" || !input.backupOf) continue;
    const name = values[input.name];
    const database = values[input.backupOf];
    if (typeof name !== "string" || name === "" || typeof database !== "string") continue;
    let directory: string;
    try {
      directory = (await getTargetConfig<DatabaseTargetConfig>(db, "database", database)).config.backupDirectory;
    } catch (error) {
      if (error instanceof AppError) continue; // The database input reports its own problem.
      throw error;
    }
    const backups = listBackups(directory).map((backup) => backup.name);
    if (backups.includes(name)) continue;
    problems[input.name] =
      backups.length === 0
        ? `${input.label} names ${name}, but ${database} has no backups yet.`
        : `${input.label} names ${name}, which is not a backup of ${database}. Leave it empty for the newest, or use one of ` +
          `${backups.slice(0, LISTED).join(", ")}${backups.length > LISTED ? ` (newest first; ${backups.length - LISTED} older not shown)` : " (newest first)"}.`;
  }
  return problems;
}

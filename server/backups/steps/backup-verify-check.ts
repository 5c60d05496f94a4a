import { z } from "zod";
import type { CheckDefinition } from "../../engine/actions/types";
import { formatBytes, resolveBackup, sha256Of } from "../backup-files";
import { qualifiedTableName } from "../database-target";
import { openDatabaseTarget } from "../open-backend";
import { backupField, databaseField } from "./inputs";

const input = z.strictObject({ database: databaseField, backup: backupField });

/**
 * Proves a backup can be restored before anyone relies on it: its checksum still matches, the
 * restore tool reads it whole (pg_restore --list; a SQL dump parses and loads into an empty
 * database), and it holds every table the database is expected to have.
 */
export const backupVerifyCheck: CheckDefinition<z.infer<typeof input>> = {
  name: "backup.verify",
  title: "Verify a backup",
  description:
    "Checks a backup's checksum, that it can be read whole, and that it holds the database's expected tables.",
  input,
  async run({ database, backup }, context) {
    const { config, backend } = await openDatabaseTarget(context.db, database, (v) => context.registerSecret(v));
    const file = resolveBackup(config.backupDirectory, backup);
    context.log(
      `Verifying ${file.name} (${formatBytes(file.sizeBytes)}, ${file.format === "custom" ? "pg_dump custom format" : "plain SQL"})`,
      "info",
    );
    const problems: string[] = [];
    const sha256 = await sha256Of(file.path);
    if (file.sha256 && file.sha256 !== sha256)
      problems.push(
        `Its checksum is ${sha256.slice(0, 12)}…, not the ${file.sha256.slice(0, 12)}… recorded when it was written: the file changed or is damaged.`,
      );
    if (!file.sha256) context.log("There is no .sha256 file beside it; the checksum cannot be compared.", "stderr");
    const contents = await backend.readBackup(file.path, context.signal);
    problems.push(...contents.problems);
    const expected = config.expectedTables.map(qualifiedTableName);
    const missing = expected.filter((t) => !contents.createdTables.includes(t));
    if (missing.length > 0)
      problems.push(
        `It does not contain ${missing.length === 1 ? "the expected table" : "the expected tables"} ${missing.join(", ")}.`,
      );
    for (const table of contents.createdTables) context.log(`${table}: ${contents.rowCounts[table] ?? 0} rows`);
    const details = {
      file: file.name,
      sizeBytes: file.sizeBytes,
      sha256,
      tables: contents.createdTables,
      rowCounts: contents.rowCounts,
      problems,
    };
    if (problems.length > 0)
      return { passed: false, summary: `${file.name} cannot be trusted: ${problems.join(" ")}`, details };
    // Say only what was verified: without a recorded checksum, nothing was compared.
    const checksum = file.sha256 ? "checksum matches" : "no checksum was recorded to compare";
    return {
      passed: true,
      summary: `${file.name} verifies: ${checksum}, it reads whole, and it holds ${contents.createdTables.length} tables including ${expected.length > 0 ? expected.join(", ") : "every table listed"}.`,
      details,
    };
  },
};

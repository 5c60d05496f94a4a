import type { PlannedChange } from "@/db/schema";
import type { DatabaseBackend } from "../backend";

const rows = (n: number) => `${n.toLocaleString("en-US")} ${n === 1 ? "row" : "rows"}`;

/**
 * A restore plan's row counts, one line per table: the live database's count now (before) beside
 * the backup's (after), so the person approving sees what the restore brings back and what it
 * loses. Tables of either side are listed; counts are exact (count(*)), read when the plan is made.
 */
export async function rowCountChanges(
  backend: DatabaseBackend,
  database: string,
  backupPath: string,
  signal: AbortSignal,
): Promise<PlannedChange[]> {
  const contents = await backend.readBackup(backupPath, signal);
  const inBackup = new Map<string, number>(contents.createdTables.map((t) => [t, contents.rowCounts[t] ?? 0]));
  for (const [table, n] of Object.entries(contents.rowCounts)) if (!inBackup.has(table)) inBackup.set(table, n);
  const tables = [...new Set([...inBackup.keys(), ...(await backend.tables())])].sort();
  const live = await backend.rowCounts(tables);
  return tables.map((table) => {
    const now = live[table];
    const restored = inBackup.get(table);
    return {
      target: `${database}: ${table}`,
      description: "Rows in this table: in the live database now, and in the backup (what the restore brings back).",
      before: now === null || now === undefined ? "no such table now" : `${rows(now)} now`,
      after: restored === undefined ? "not in the backup" : `${rows(restored)} in the backup`,
    };
  });
}

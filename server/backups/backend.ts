import type { BackupFormat } from "./backup-files";
import type { DumpContents } from "./sql-dump-scanner";

/** What a restore found and did; `alreadyDone` when an earlier attempt of the same step had finished it. */
export type RestoreOutcome = {
  mode: "scratch-then-swap" | "in-place";
  alreadyDone: boolean;
  /** Rows per table in the restored database, equal to the backup's. */
  rowCounts: Record<string, number>;
  /** Where the database as it was before the restore is kept (scratch-then-swap). */
  replacedBy: string | null;
};

export type BackendLog = (line: string, stream?: "stdout" | "stderr" | "info") => void;
export type BackendProgress = (fraction: number, message?: string) => void;
export type RestoreRun = {
  file: string;
  marker: string;
  log: BackendLog;
  progress: BackendProgress;
  signal: AbortSignal;
};

/**
 * One database Keel backs up and restores, whatever holds it: a PostgreSQL server reached with
 * the client tools, or an embedded PGlite data directory.
 */
export interface DatabaseBackend {
  /** Where it is, never with a password ("postgres@127.0.0.1:5432/shop"). */
  readonly location: string;
  readonly format: BackupFormat;
  /** Fails with a clear message when the database cannot be reached. */
  checkReachable(): Promise<void>;
  /** The database's own tables. */
  tables(): Promise<string[]>;
  rowCounts(tables: string[]): Promise<Record<string, number | null>>;
  /** Writes a complete dump to `file` (a temporary name the caller renames). */
  dump(file: string, log: BackendLog, signal: AbortSignal): Promise<void>;
  /** Reads a backup file without touching the database: its tables, rows per table, whether it is whole. */
  readBackup(file: string, signal: AbortSignal): Promise<DumpContents & { problems: string[] }>;
  /** Restores the backup so that a retry after a crash restores it once; compares row counts before it counts as done. */
  restore(mode: RestoreOutcome["mode"], run: RestoreRun): Promise<RestoreOutcome>;
  /** Runs the health query in a read-only transaction; returns the first column of the first row. */
  healthQuery(sql: string): Promise<{ rows: number; firstValue: unknown }>;
  /** What a scratch-then-swap restore will name things (for the plan). */
  restoreNames(marker: string): { scratch: string; replaced: string };
}

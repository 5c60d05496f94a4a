import { sql } from "drizzle-orm";
import { databaseTargetFromEnv, type Queryable } from "@/db/client";
import { queryRows } from "@/db/execute";
import { CommandError } from "../connectors/command";
import { parseConnectionUrl } from "../connectors/postgres";
import type { DatabaseBackend } from "./backend";
import { formatOf } from "./backup-files";
import { qualifiedTableName, SELF_DUMP_REFUSED, SELF_RESTORE_REFUSED } from "./database-target";
import { readSqlBackupFile } from "./embedded-backend";
import { PostgresBackend } from "./postgres-backend";
import { rowCounts, userTables, type QueryRows } from "./table-counts";

/**
 * Keel's own database, seen through the `keel` database target: read through the console's own
 * connection (on PGlite no second handle may open the data directory), its backups read like any
 * other. It is never dumped from a runbook step (the self-backup does that, in process) and never
 * restored over.
 */
export class OwnDatabaseBackend implements DatabaseBackend {
  readonly location = "Keel's own database";
  readonly format;
  private readonly target = databaseTargetFromEnv();

  constructor(
    private readonly db: Queryable,
    private readonly registerSecret: (value: string) => void,
  ) {
    this.format = this.target.driver === "pg" ? ("custom" as const) : ("sql" as const);
  }

  private query: QueryRows = (async (text: string, params?: unknown[]) => {
    if (params && params.length > 0) throw new Error("parameters are not supported here");
    return queryRows(this.db, sql.raw(text));
  }) as QueryRows;

  async checkReachable(): Promise<void> {
    await this.query("select 1");
  }

  tables(): Promise<string[]> {
    return userTables(this.query);
  }

  rowCounts(tables: string[]): Promise<Record<string, number | null>> {
    return rowCounts(this.query, tables.map(qualifiedTableName));
  }

  async dump(): Promise<void> {
    throw new CommandError(SELF_DUMP_REFUSED);
  }

  async readBackup(file: string, signal: AbortSignal) {
    if (formatOf(file) === "sql") return readSqlBackupFile(file);
    if (this.target.driver !== "pg")
      throw new CommandError("A pg_dump custom-format backup can only be read where Keel runs on PostgreSQL.");
    this.registerSecret(this.target.url);
    const connection = parseConnectionUrl(this.target.url);
    if (connection.password) this.registerSecret(connection.password);
    return new PostgresBackend(connection, "postgres").readBackup(file, signal);
  }

  async restore(): Promise<never> {
    throw new CommandError(SELF_RESTORE_REFUSED);
  }

  restoreNames(): never {
    throw new CommandError(SELF_RESTORE_REFUSED);
  }

  async healthQuery(text: string): Promise<{ rows: number; firstValue: unknown }> {
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`set transaction read only`);
      const rows = await queryRows(tx, sql.raw(text));
      const row = rows[0];
      return { rows: rows.length, firstValue: row ? (Object.values(row)[0] ?? null) : null };
    });
  }
}

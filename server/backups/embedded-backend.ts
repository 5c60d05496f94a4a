import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pgDump } from "@electric-sql/pglite-tools/pg_dump";
import { CommandError } from "../connectors/command";
import type { BackendLog, DatabaseBackend, RestoreOutcome, RestoreRun } from "./backend";
import { qualifiedTableName } from "./database-target";
import { scanSqlDumpFile } from "./sql-dump-scanner";
import { countMismatches, rowCounts, userTables, type QueryRows } from "./table-counts";

/** Left in a data directory a restore produced: how a retry knows it is done. */
const MARKER_FILE = "keel-restore.json";

/** Runs `work` on the PGlite database in `dataDir` (in memory when null), and closes it. */
async function withPglite<T>(dataDir: string | null, work: (pg: PGlite, q: QueryRows) => Promise<T>): Promise<T> {
  if (dataDir && !existsSync(path.join(dataDir, "PG_VERSION")))
    throw new CommandError(`There is no embedded database in ${dataDir}.`);
  const pg = new PGlite(dataDir ?? undefined);
  try {
    await pg.waitReady;
    return await work(pg, (async (sql: string, params?: unknown[]) => (await pg.query(sql, params)).rows) as QueryRows);
  } finally {
    await pg.close();
  }
}

/** Reads a plain SQL backup whole and loads it into a throwaway in-memory database: the proof that it restores. */
export async function readSqlBackupFile(file: string) {
  const contents = await scanSqlDumpFile(file);
  const problems: string[] = [];
  if (!contents.complete) problems.push("The SQL ends part-way through a statement, string or COPY block.");
  if (contents.statements === 0) problems.push("It holds no SQL statements.");
  if (problems.length === 0) {
    // The strongest proof that a SQL dump parses: load it into a throwaway in-memory database.
    try {
      const sql = await readFile(file, "utf8");
      await withPglite(null, async (pg) => {
        await pg.exec(sql);
      });
    } catch (error) {
      problems.push(`Loading it into an empty database fails: ${(error as Error).message}`);
    }
  }
  return { ...contents, problems };
}

/**
 * An embedded PGlite database (a data directory), for a machine without PostgreSQL. Backups are
 * plain SQL from the WASM build of pg_dump; restoring runs that SQL.
 */
export class EmbeddedBackend implements DatabaseBackend {
  readonly format = "sql" as const;
  readonly location: string;

  constructor(private readonly dataDir: string) {
    this.location = `embedded PGlite in ${dataDir}`;
  }

  async checkReachable(): Promise<void> {
    await withPglite(this.dataDir, async (_pg, q) => q("select 1"));
  }

  tables(): Promise<string[]> {
    return withPglite(this.dataDir, (_pg, q) => userTables(q));
  }

  rowCounts(tables: string[]): Promise<Record<string, number | null>> {
    return withPglite(this.dataDir, (_pg, q) => rowCounts(q, tables.map(qualifiedTableName)));
  }

  async dump(file: string, log: BackendLog): Promise<void> {
    log(`Dumping ${this.location} with pg_dump (WASM) as plain SQL`, "info");
    await withPglite(this.dataDir, async (pg) => {
      // --clean --if-exists: the same file can be restored over an existing database.
      const dumped = await pgDump({ pg, args: ["--clean", "--if-exists"] });
      writeFileSync(file, Buffer.from(await dumped.arrayBuffer()));
    });
  }

  readBackup(file: string) {
    return readSqlBackupFile(file);
  }

  restoreNames(marker: string) {
    return { scratch: `${this.dataDir}.keel-restore-${marker}`, replaced: `${this.dataDir}.keel-before-${marker}` };
  }

  private markerIn(dir: string): string | null {
    try {
      return (JSON.parse(readFileSync(path.join(dir, MARKER_FILE), "utf8")) as { marker?: string }).marker ?? null;
    } catch {
      return null;
    }
  }

  private async expectedCounts(run: RestoreRun): Promise<{ counts: Record<string, number>; sql: string }> {
    const contents = await scanSqlDumpFile(run.file);
    if (!contents.complete) throw new CommandError("The backup cannot be restored: the SQL ends part-way through.");
    return { counts: contents.rowCounts, sql: await readFile(run.file, "utf8") };
  }

  private async compare(
    run: RestoreRun,
    dataDir: string,
    expected: Record<string, number>,
  ): Promise<Record<string, number>> {
    const actual = await withPglite(dataDir, (_pg, q) => rowCounts(q, Object.keys(expected)));
    const mismatches = countMismatches(expected, actual);
    if (mismatches.length > 0)
      throw new CommandError(`The restored data does not match the backup: ${mismatches.join("; ")}.`);
    run.log(
      `Row counts match the backup: ${
        Object.entries(expected)
          .map(([t, n]) => `${t} ${n}`)
          .join(", ") || "no tables"
      }`,
      "info",
    );
    return expected;
  }

  async restore(mode: RestoreOutcome["mode"], run: RestoreRun): Promise<RestoreOutcome> {
    const { scratch, replaced } = this.restoreNames(run.marker);
    const { counts, sql } = await this.expectedCounts(run);
    if (this.markerIn(this.dataDir) === run.marker) {
      run.log("An earlier attempt of this step already restored the backup; not restoring again.", "info");
      // Not compared again: the database has been in use since, and may rightly hold more rows.
      return { mode, alreadyDone: true, rowCounts: counts, replacedBy: mode === "in-place" ? null : replaced };
    }
    if (mode === "in-place") {
      run.log(`Restoring ${path.basename(run.file)} into ${this.location} in one transaction`, "info");
      run.progress(0.2, "restoring in one transaction");
      await withPglite(this.dataDir, (pg) => pg.transaction(async (tx) => void (await tx.exec(sql))));
      await this.compare(run, this.dataDir, counts);
      writeFileSync(
        path.join(this.dataDir, MARKER_FILE),
        JSON.stringify({ marker: run.marker, file: path.basename(run.file), at: new Date().toISOString() }),
      );
      run.progress(1, "restored");
      return { mode, alreadyDone: false, rowCounts: counts, replacedBy: null };
    }
    // A crash between the two renames leaves no database at the path: finish the swap.
    if (!existsSync(this.dataDir) && existsSync(replaced) && this.markerIn(scratch) === run.marker) {
      run.log("An earlier attempt stopped half-way through the swap; finishing it.", "info");
      renameSync(scratch, this.dataDir);
      return {
        mode,
        alreadyDone: true,
        rowCounts: await this.compare(run, this.dataDir, counts),
        replacedBy: replaced,
      };
    }
    if (existsSync(scratch)) {
      run.log(`Removing ${scratch}, left by an attempt that did not finish.`, "info");
      rmSync(scratch, { recursive: true, force: true });
    }
    run.log(`Restoring ${path.basename(run.file)} into the scratch directory ${scratch}`, "info");
    run.progress(0.2, "restoring into a scratch database");
    try {
      const pg = new PGlite(scratch);
      try {
        await pg.waitReady;
        await pg.exec(sql);
      } finally {
        await pg.close();
      }
      run.progress(0.7, "comparing row counts");
      await this.compare(run, scratch, counts);
    } catch (error) {
      rmSync(scratch, { recursive: true, force: true });
      throw error;
    }
    writeFileSync(
      path.join(scratch, MARKER_FILE),
      JSON.stringify({ marker: run.marker, file: path.basename(run.file), at: new Date().toISOString() }),
    );
    run.log(`Swapping: ${this.dataDir} becomes ${replaced}, the scratch directory takes its place`, "info");
    renameSync(this.dataDir, replaced);
    renameSync(scratch, this.dataDir);
    run.progress(1, "restored");
    return { mode, alreadyDone: false, rowCounts: counts, replacedBy: replaced };
  }

  async healthQuery(sql: string): Promise<{ rows: number; firstValue: unknown }> {
    return withPglite(this.dataDir, async (pg) => {
      await pg.exec("begin read only");
      try {
        const results = await pg.exec(sql);
        const last = results.at(-1);
        const row = last?.rows[0];
        return { rows: last?.rows.length ?? 0, firstValue: row ? (Object.values(row)[0] ?? null) : null };
      } finally {
        await pg.exec("rollback").catch(() => undefined);
      }
    });
  }
}

import { CommandError } from "../connectors/command";
import {
  describeConnection,
  locateTool,
  quoteIdentifier,
  runTool,
  serverMajorVersion,
  withClient,
  withDatabase,
  type PgConnection,
} from "../connectors/postgres";
import type { DatabaseBackend, RestoreOutcome, RestoreRun } from "./backend";
import { qualifiedTableName } from "./database-target";
import { formatOf } from "./backup-files";
import { scanSqlDumpFile, SqlDumpScanner } from "./sql-dump-scanner";
import { countMismatches, rowCounts, userTables, type QueryRows } from "./table-counts";

/** Written as the database's comment when a restore completes: how a retry knows it is done. */
export function restoreMarkerComment(marker: string): string {
  return `keel-restore:${marker}`;
}

const TOC_TABLE = /^\d+;\s+\d+\s+\d+\s+TABLE\s+(?!DATA\s)(\S+)\s+(\S+)\s/;

/** A PostgreSQL database reached with pg_dump / pg_restore (custom format) and the pg driver. */
export class PostgresBackend implements DatabaseBackend {
  readonly format = "custom" as const;
  readonly location: string;

  constructor(
    private readonly connection: PgConnection,
    private readonly maintenanceDatabase: string,
  ) {
    this.location = describeConnection(connection);
  }

  /** Runs `work` with a query function on a fresh connection (to this database unless told otherwise). */
  private with<T>(work: (q: QueryRows) => Promise<T>, connection: PgConnection = this.connection): Promise<T> {
    return withClient(connection, (client) =>
      work((async (sql: string, params?: unknown[]) => (await client.query(sql, params)).rows) as QueryRows),
    );
  }

  private withMaintenance<T>(work: (q: QueryRows) => Promise<T>): Promise<T> {
    return this.with(work, withDatabase(this.connection, this.maintenanceDatabase));
  }

  async checkReachable(): Promise<void> {
    await this.with(async (q) => q("select 1"));
  }

  tables(): Promise<string[]> {
    return this.with((q) => userTables(q));
  }

  rowCounts(tables: string[]): Promise<Record<string, number | null>> {
    return this.with((q) => rowCounts(q, tables.map(qualifiedTableName)));
  }

  async dump(file: string, log: RestoreRun["log"], signal: AbortSignal): Promise<void> {
    const pgDump = await locateTool("pg_dump", await serverMajorVersion(this.connection));
    log(`Using ${pgDump.path} (PostgreSQL ${pgDump.major})`, "info");
    await runTool(pgDump, ["--format=custom", "--no-password", "--verbose", `--file=${file}`], this.connection, {
      signal,
      onLine: (line) => log(line, "stdout"),
    });
  }

  async readBackup(file: string, signal: AbortSignal) {
    if (formatOf(file) === "sql") return this.readSqlBackup(file);
    const pgRestore = await locateTool("pg_restore", null);
    const tables: string[] = [];
    const problems: string[] = [];
    try {
      await runTool(pgRestore, ["--list", file], this.connection, {
        signal,
        onLine(line, stream) {
          const match = stream === "stdout" ? TOC_TABLE.exec(line) : null;
          if (match) tables.push(`${match[1]}.${match[2]}`);
        },
      });
    } catch (error) {
      problems.push(`pg_restore cannot read it: ${(error as Error).message}`);
      return { createdTables: [], rowCounts: {}, statements: 0, complete: false, problems };
    }
    // The data section, as pg_restore would load it: COPY blocks counted line by line, never stored.
    const scanner = new SqlDumpScanner();
    try {
      await runTool(pgRestore, ["--data-only", "--file=-", file], this.connection, {
        signal,
        onLine: (line, stream) => stream === "stdout" && scanner.feedLine(line),
      });
    } catch (error) {
      problems.push(`pg_restore cannot read its data: ${(error as Error).message}`);
    }
    const contents = scanner.finish();
    if (!contents.complete) problems.push("Its data section ends part-way through.");
    return { ...contents, createdTables: tables.sort(), problems };
  }

  /** A plain SQL backup (pg_dump without -Fc, as many existing backup scripts write them). */
  private async readSqlBackup(file: string) {
    const contents = await scanSqlDumpFile(file);
    const problems: string[] = [];
    if (!contents.complete) problems.push("The SQL ends part-way through a statement, string or COPY block.");
    if (contents.statements === 0) problems.push("It holds no SQL statements.");
    return { ...contents, problems };
  }

  restoreNames(marker: string) {
    const base = this.connection.database.slice(0, 40);
    return { scratch: `${base}_keel_restore_${marker}`, replaced: `${base}_keel_before_${marker}` };
  }

  async restore(mode: RestoreOutcome["mode"], run: RestoreRun): Promise<RestoreOutcome> {
    return mode === "in-place" ? this.restoreInPlace(run) : this.restoreBesideThenSwap(run);
  }

  private async databases(names: string[]): Promise<Map<string, string | null>> {
    const rows = await this.withMaintenance((q) =>
      q<{ datname: string; comment: string | null }>(
        "select datname, shobj_description(oid, 'pg_database') as comment from pg_database where datname = any($1)",
        [names],
      ),
    );
    return new Map(rows.map((r) => [r.datname, r.comment]));
  }

  private async expectedCounts(run: RestoreRun): Promise<Record<string, number>> {
    run.log(`Reading ${run.file} to learn how many rows each table should have…`, "info");
    const contents = await this.readBackup(run.file, run.signal);
    if (contents.problems.length > 0)
      throw new CommandError(`The backup cannot be restored: ${contents.problems.join(" ")}`);
    return contents.rowCounts;
  }

  private async pgRestore(run: RestoreRun, into: PgConnection, extraArgs: string[]): Promise<void> {
    if (formatOf(run.file) === "sql") return this.psqlRestore(run, into);
    const tool = await locateTool("pg_restore", await serverMajorVersion(this.connection));
    let total = 0;
    await runTool(tool, ["--list", run.file], into, {
      signal: run.signal,
      onLine: (line, stream) => stream === "stdout" && /^\d+;/.test(line) && total++,
    });
    run.log(`Restoring ${total} entries with ${tool.path} into ${describeConnection(into)}`, "info");
    let done = 0;
    // The database by name only; host, user and password come from the environment.
    await runTool(
      tool,
      [
        "--verbose",
        "--exit-on-error",
        "--no-owner",
        "--no-password",
        `--dbname=${into.database}`,
        ...extraArgs,
        run.file,
      ],
      into,
      {
        signal: run.signal,
        onLine(line) {
          if (!line.trim()) return;
          run.log(line, "stdout");
          if (/^pg_restore: (creating|processing|executing|dropping)/.test(line)) {
            done++;
            run.progress(
              total > 0 ? Math.min(0.9, (0.9 * done) / total) : 0.5,
              `${Math.min(done, total)} of ${total} entries restored`,
            );
          }
        },
      },
    );
  }

  /** Plain SQL goes through psql, stopping at the first error, in one transaction. */
  private async psqlRestore(run: RestoreRun, into: PgConnection): Promise<void> {
    const tool = await locateTool("psql", await serverMajorVersion(this.connection));
    run.log(`Restoring ${run.file} with ${tool.path} into ${describeConnection(into)}`, "info");
    let statements = 0;
    await runTool(
      tool,
      [
        "--no-psqlrc",
        "--no-password",
        "--set=ON_ERROR_STOP=1",
        "--single-transaction",
        "--echo-errors",
        `--dbname=${into.database}`,
        `--file=${run.file}`,
      ],
      into,
      {
        signal: run.signal,
        onLine(line, stream) {
          if (!line.trim()) return;
          if (stream === "stderr") run.log(line, "stderr");
          else if (++statements % 50 === 0) run.progress(0.5, `${statements} statements run`);
        },
      },
    );
    run.log(`psql ran ${statements} statements`, "info");
  }

  private async compare(
    run: RestoreRun,
    into: PgConnection,
    expected: Record<string, number>,
  ): Promise<Record<string, number>> {
    const actual = await this.with((q) => rowCounts(q, Object.keys(expected)), into);
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

  private async restoreInPlace(run: RestoreRun): Promise<RestoreOutcome> {
    const comment = restoreMarkerComment(run.marker);
    const current = await this.databases([this.connection.database]);
    if (!current.has(this.connection.database))
      throw new CommandError(`The database ${this.connection.database} does not exist on the server.`);
    const expected = await this.expectedCounts(run);
    if (current.get(this.connection.database) === comment) {
      run.log("An earlier attempt of this step already restored the backup; not restoring again.", "info");
      return { mode: "in-place", alreadyDone: true, rowCounts: expected, replacedBy: null };
    }
    // One transaction: the database ends as it was or as the backup, never half restored.
    await this.pgRestore(run, this.connection, ["--clean", "--if-exists", "--single-transaction"]);
    const counts = await this.compare(run, this.connection, expected);
    await this.withMaintenance((q) =>
      q(`comment on database ${quoteIdentifier(this.connection.database)} is ${literal(comment)}`),
    );
    run.progress(1, "restored");
    return { mode: "in-place", alreadyDone: false, rowCounts: counts, replacedBy: null };
  }

  private async restoreBesideThenSwap(run: RestoreRun): Promise<RestoreOutcome> {
    const target = this.connection.database;
    const { scratch, replaced } = this.restoreNames(run.marker);
    const comment = restoreMarkerComment(run.marker);
    const expected = await this.expectedCounts(run);
    let found = await this.databases([target, scratch, replaced]);
    if (found.get(target) === comment) {
      run.log(
        `An earlier attempt of this step already restored the backup and swapped it in (the old database is ${replaced}); not restoring again.`,
        "info",
      );
      // Not compared again: the database has been in use since, and may rightly hold more rows.
      return { mode: "scratch-then-swap", alreadyDone: true, rowCounts: expected, replacedBy: replaced };
    }
    if (found.has(scratch)) {
      run.log(`Removing ${scratch}, left by an attempt that did not finish.`, "info");
      await this.withMaintenance((q) => q(`drop database ${quoteIdentifier(scratch)} with (force)`));
      found = await this.databases([target, scratch, replaced]);
    }
    if (!found.has(target)) throw new CommandError(`The database ${target} does not exist on the server.`);
    run.log(`Creating the scratch database ${scratch}`, "info");
    await this.withMaintenance((q) => q(`create database ${quoteIdentifier(scratch)} template template0`));
    const into = withDatabase(this.connection, scratch);
    try {
      await this.pgRestore(run, into, []);
      await this.compare(run, into, expected);
    } catch (error) {
      await this.withMaintenance((q) => q(`drop database if exists ${quoteIdentifier(scratch)} with (force)`)).catch(
        () => undefined,
      );
      throw error;
    }
    run.progress(0.95, "swapping the restored database in");
    await this.swap(run, target, scratch, replaced, comment);
    run.progress(1, "restored");
    return { mode: "scratch-then-swap", alreadyDone: false, rowCounts: expected, replacedBy: replaced };
  }

  /** Renames both databases in one transaction, after closing the sessions still using the target. */
  private async swap(
    run: RestoreRun,
    target: string,
    scratch: string,
    replaced: string,
    comment: string,
  ): Promise<void> {
    run.log(`Swapping: ${target} becomes ${replaced}, ${scratch} becomes ${target}`, "info");
    for (let attempt = 1; ; attempt++) {
      try {
        await this.withMaintenance(async (q) => {
          await q(
            "select pg_terminate_backend(pid) from pg_stat_activity where datname = any($1) and pid <> pg_backend_pid()",
            [[target, scratch]],
          );
          await q("begin");
          try {
            await q(`comment on database ${quoteIdentifier(scratch)} is ${literal(comment)}`);
            await q(`alter database ${quoteIdentifier(target)} rename to ${quoteIdentifier(replaced)}`);
            await q(`alter database ${quoteIdentifier(scratch)} rename to ${quoteIdentifier(target)}`);
            await q("commit");
          } catch (error) {
            await q("rollback");
            throw error;
          }
        });
        return;
      } catch (error) {
        // Clients reconnecting between the terminate and the rename: try again a few times.
        if (attempt >= 5 || (error as { code?: string }).code !== "55006") throw error;
        run.log(`Sessions reconnected to ${target}; closing them again (attempt ${attempt + 1})`, "info");
      }
    }
  }

  async healthQuery(sql: string): Promise<{ rows: number; firstValue: unknown }> {
    return withClient(this.connection, async (client) => {
      await client.query("begin read only");
      try {
        const result = await client.query({ text: sql, rowMode: "array" });
        const last = Array.isArray(result) ? result.at(-1) : result;
        const rows = (last?.rows ?? []) as unknown[][];
        return { rows: rows.length, firstValue: rows[0]?.[0] ?? null };
      } finally {
        await client.query("rollback").catch(() => undefined);
      }
    });
  }
}

function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

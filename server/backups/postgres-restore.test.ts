import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { quoteIdent, runAdminStatement, uniqueDatabaseName, urlForDatabase } from "@/test/support/postgres-admin";
import { chooseTool, libpqEnvironment, locateTool, parseConnectionUrl, runTool } from "../connectors/postgres";
import type { RestoreRun } from "./backend";
import { completeBackup, partialPathFor } from "./backup-files";
import { PostgresBackend } from "./postgres-backend";

/**
 * Backup and restore against the machine's real PostgreSQL, in databases of this file's own.
 * Runs whatever Keel's own test driver is: these are the connector's tests.
 */
const SERVER = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const created: string[] = [];
let dir: string;

const SCHEMA = `
  create table customers (id serial primary key, name text not null, note text, joined date);
  create table orders (id serial primary key, customer_id int not null references customers(id), total numeric(10,2) not null, items jsonb, paid boolean);
`;
const ROWS = `
  insert into customers (name, note, joined) values
    ('Ada', 'likes ''quotes''; and semicolons', '2024-01-02'),
    ('Bo', E'two\\nlines\\tand a tab', null),
    ('Chloé', 'INSERT INTO customers VALUES (99);', '2025-06-30'),
    ('Dmitri', null, '2020-02-29');
  insert into orders (customer_id, total, items, paid) values
    (1, 12.50, '{"sku":"A1","qty":2}', true), (1, 3.99, null, false), (2, 100.00, '["x","y"]', true),
    (3, 0.01, '{}', null), (4, 42.00, '{"note":"\\\\back\\\\slash"}', true);
`;

async function createDatabase(): Promise<{ name: string; url: string }> {
  const name = uniqueDatabaseName("keel_bk");
  await runAdminStatement(SERVER, `create database ${quoteIdent(name)}`);
  created.push(name);
  return { name, url: urlForDatabase(SERVER, name) };
}

async function sql<T extends pg.QueryResultRow = Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<T>(text);
    return Array.isArray(result) ? (result.at(-1) as pg.QueryResult<T>).rows : result.rows;
  } finally {
    await client.end();
  }
}

/** Every row of both tables, in order: what "restored row for row" is compared on. */
async function everyRow(url: string) {
  return {
    customers: await sql(url, "select * from customers order by id"),
    orders: await sql(url, "select * from orders order by id"),
  };
}

function backendFor(url: string) {
  return new PostgresBackend(parseConnectionUrl(url), new URL(SERVER).pathname.slice(1) || "postgres");
}

function runFor(
  file: string,
  marker: string,
): RestoreRun & { lines: string[]; progress: (f: number, m?: string) => void; fractions: number[] } {
  const lines: string[] = [];
  const fractions: number[] = [];
  return {
    file,
    marker,
    lines,
    fractions,
    log: (line) => lines.push(line),
    progress: (f) => fractions.push(f),
    signal: new AbortController().signal,
  };
}

async function backUp(backend: PostgresBackend, name: string): Promise<string> {
  const partial = partialPathFor(dir, name);
  await backend.dump(partial, () => undefined, new AbortController().signal);
  return (await completeBackup(dir, partial, name)).path;
}

async function databaseExists(name: string): Promise<boolean> {
  return (await sql(SERVER, `select 1 from pg_database where datname = '${name}'`)).length === 1;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "keel-backups-"));
});

afterAll(async () => {
  for (const name of created) {
    for (const candidate of [
      name,
      `${name.slice(0, 40)}_keel_before_m1`,
      `${name.slice(0, 40)}_keel_before_m2`,
      `${name.slice(0, 40)}_keel_restore_m1`,
      `${name.slice(0, 40)}_keel_restore_m3`,
    ]) {
      await runAdminStatement(SERVER, `drop database if exists ${quoteIdent(candidate)} with (force)`);
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

describe("PostgreSQL backup and restore (real server)", () => {
  it("restores row for row through a scratch database and a swap, keeping the old database, streaming progress", async () => {
    const { name, url } = await createDatabase();
    await sql(url, SCHEMA + ROWS);
    const before = await everyRow(url);
    const backend = backendFor(url);
    const file = await backUp(backend, `${name}-1.dump`);

    // Someone deletes and changes data after the backup.
    await sql(
      url,
      "delete from orders where paid; update customers set name = 'changed', note = null; insert into customers (name) values ('intruder');",
    );
    expect(await everyRow(url)).not.toEqual(before);

    const run = runFor(file, "m1");
    const outcome = await backend.restore("scratch-then-swap", run);
    expect(outcome).toMatchObject({
      mode: "scratch-then-swap",
      alreadyDone: false,
      rowCounts: { "public.customers": 4, "public.orders": 5 },
    });
    expect(await everyRow(url)).toEqual(before);
    // The replaced database holds the data as it was just before the restore.
    expect(outcome.replacedBy).toBe(`${name.slice(0, 40)}_keel_before_m1`);
    expect(
      (await sql(urlForDatabase(SERVER, outcome.replacedBy!), "select count(*)::int as n from customers"))[0],
    ).toEqual({ n: 5 });
    expect(await databaseExists(`${name.slice(0, 40)}_keel_restore_m1`)).toBe(false);
    // pg_restore's --verbose lines reached the log, and progress rose to done.
    expect(run.lines.some((l) => /pg_restore: processing data for table "public.orders"/.test(l))).toBe(true);
    expect(run.fractions.length).toBeGreaterThan(3);
    expect(run.fractions.at(-1)).toBe(1);

    // A retry of the same attempt (same marker) after the swap restores nothing again.
    await sql(url, "insert into customers (name) values ('after the restore')");
    const again = await backend.restore("scratch-then-swap", runFor(file, "m1"));
    expect(again.alreadyDone).toBe(true);
    expect((await sql(url, "select count(*)::int as n from customers"))[0]).toEqual({ n: 5 });
  });

  it("a retry after a crash mid-restore drops the half-restored scratch database and restores once", async () => {
    const { name, url } = await createDatabase();
    await sql(url, SCHEMA + ROWS);
    const before = await everyRow(url);
    const backend = backendFor(url);
    const file = await backUp(backend, `${name}-2.dump`);
    await sql(url, "delete from orders");
    // What a worker killed during pg_restore leaves behind: a scratch database with part of the data.
    const scratch = `${name.slice(0, 40)}_keel_restore_m3`;
    await runAdminStatement(SERVER, `create database ${quoteIdent(scratch)}`);
    await sql(urlForDatabase(SERVER, scratch), "create table customers (id int); insert into customers values (1);");
    const run = runFor(file, "m3");
    const outcome = await backend.restore("scratch-then-swap", run);
    expect(outcome.alreadyDone).toBe(false);
    expect(run.lines).toContain(`Removing ${scratch}, left by an attempt that did not finish.`);
    expect(await everyRow(url)).toEqual(before);
    await runAdminStatement(SERVER, `drop database if exists ${quoteIdent(outcome.replacedBy!)} with (force)`);
  });

  it("restores in place in one transaction, and a failed in-place restore leaves the database as it was", async () => {
    const { name, url } = await createDatabase();
    await sql(url, SCHEMA + ROWS);
    const before = await everyRow(url);
    const backend = backendFor(url);
    const file = await backUp(backend, `${name}-3.dump`);
    await sql(url, "update orders set total = 0; delete from customers where id = 4 and false;");
    const outcome = await backend.restore("in-place", runFor(file, "m2"));
    expect(outcome).toMatchObject({ mode: "in-place", alreadyDone: false, replacedBy: null });
    expect(await everyRow(url)).toEqual(before);
    expect((await backend.restore("in-place", runFor(file, "m2"))).alreadyDone).toBe(true);

    // A damaged backup: pg_restore stops, and the single transaction rolls back.
    await sql(url, "update customers set name = 'kept'");
    const damaged = path.join(dir, `${name}-damaged.dump`);
    const bytes = readFileSync(file);
    writeFileSync(damaged, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    await expect(backend.restore("in-place", runFor(damaged, "m4"))).rejects.toThrow(/cannot be restored|pg_restore/);
    expect(await sql(url, "select distinct name from customers")).toEqual([{ name: "kept" }]);
  });

  it("restores a plain SQL backup (pg_dump without -Fc) with psql", async () => {
    const { name, url } = await createDatabase();
    await sql(url, SCHEMA + ROWS);
    const before = await everyRow(url);
    const file = path.join(dir, `${name}-plain.sql`);
    const pgDump = await locateTool("pg_dump", null);
    await runTool(pgDump, ["--format=plain", `--file=${file}`], parseConnectionUrl(url));
    const backend = backendFor(url);
    expect(await backend.readBackup(file, new AbortController().signal)).toMatchObject({
      createdTables: ["public.customers", "public.orders"],
      rowCounts: { "public.customers": 4, "public.orders": 5 },
      problems: [],
    });
    await sql(url, "delete from orders; delete from customers");
    const run = runFor(file, "m5");
    const outcome = await backend.restore("scratch-then-swap", run);
    expect(outcome.alreadyDone).toBe(false);
    expect(run.lines.some((l) => l.startsWith("psql ran "))).toBe(true);
    expect(await everyRow(url)).toEqual(before);
    await runAdminStatement(SERVER, `drop database if exists ${quoteIdent(outcome.replacedBy!)} with (force)`);
  });

  it("reads a backup's tables and row counts, and refuses a corrupt file", async () => {
    const { name, url } = await createDatabase();
    await sql(url, SCHEMA + ROWS);
    const backend = backendFor(url);
    const file = await backUp(backend, `${name}-4.dump`);
    const contents = await backend.readBackup(file, new AbortController().signal);
    expect(contents).toMatchObject({
      createdTables: ["public.customers", "public.orders"],
      rowCounts: { "public.customers": 4, "public.orders": 5 },
      problems: [],
    });

    const corrupt = path.join(dir, `${name}-corrupt.dump`);
    copyFileSync(file, corrupt);
    writeFileSync(corrupt, "this is not a pg_dump archive\n");
    const refused = await backend.readBackup(corrupt, new AbortController().signal);
    expect(refused.problems.join(" ")).toMatch(/pg_restore cannot read it/);
  });

  it("fails clearly when the server cannot be reached", async () => {
    const backend = backendFor("postgres://postgres@127.0.0.1:1/nowhere");
    await expect(backend.checkReachable()).rejects.toThrow(/Cannot connect to postgres@127.0.0.1:1\/nowhere/);
  });
});

describe("the client tools", () => {
  it("name the Debian package when missing or too old, and pick the newest fitting major", () => {
    expect(() => chooseTool("pg_dump", [], 15)).toThrow(/install the Debian package postgresql-client/);
    expect(() => chooseTool("pg_dump", [{ path: "/x/pg_dump", major: 14 }], 16)).toThrow(/postgresql-client-16/);
    expect(
      chooseTool(
        "pg_dump",
        [
          { path: "/a", major: 15 },
          { path: "/b", major: 17 },
        ],
        15,
      ),
    ).toEqual({ path: "/b", major: 17 });
  });

  it("get the password only through the environment", () => {
    const connection = parseConnectionUrl("postgres://shop:s%40cret@db.internal:6543/shop?sslmode=require");
    expect(connection).toMatchObject({
      user: "shop",
      password: "s@cret",
      host: "db.internal",
      port: 6543,
      database: "shop",
    });
    expect(libpqEnvironment(connection)).toMatchObject({
      PGPASSWORD: "s@cret",
      PGHOST: "db.internal",
      PGPORT: "6543",
      PGUSER: "shop",
      PGDATABASE: "shop",
      PGSSLMODE: "require",
    });
  });
});

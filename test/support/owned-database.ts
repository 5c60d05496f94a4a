import pg from "pg";
import { quoteIdent, runAdminStatement, uniqueDatabaseName, urlForDatabase } from "./postgres-admin";

export type OwnedDatabase = {
  /** The URL Keel connects with: the database's own role. */
  url: string;
  role: string;
  /** Runs a query on the database as the test's (superuser) connection. */
  query<T extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<T[]>;
  /** Databases the role created besides its own (e.g. the demo shop), by name. */
  createdDatabases(): Promise<string[]>;
  drop(): Promise<void>;
};

/**
 * A fresh, empty (unmigrated) PostgreSQL database owned by a role of its own, so that every
 * database Keel creates from it (the demo shop) can be told apart from other tests' by its owner.
 */
export async function createOwnedDatabase(baseUrl: string): Promise<OwnedDatabase> {
  const name = uniqueDatabaseName("keel_mi");
  await runAdminStatement(baseUrl, `create role ${quoteIdent(name)} login createdb`);
  await runAdminStatement(baseUrl, `create database ${quoteIdent(name)} owner ${quoteIdent(name)}`);
  const url = new URL(urlForDatabase(baseUrl, name));
  url.username = name;
  url.password = "";
  const admin = new pg.Client({ connectionString: urlForDatabase(baseUrl, name) });
  await admin.connect();
  const createdDatabases = async () =>
    (
      await admin.query<{ datname: string }>(
        "select datname from pg_database where datdba = (select oid from pg_roles where rolname = $1) and datname <> $1 order by datname",
        [name],
      )
    ).rows.map((r) => r.datname);
  return {
    url: url.toString(),
    role: name,
    async query<T extends pg.QueryResultRow>(text: string, values: unknown[] = []) {
      return (await admin.query<T>(text, values)).rows;
    },
    createdDatabases,
    async drop() {
      const others = await createdDatabases();
      await admin.end();
      for (const other of [...others, name])
        await runAdminStatement(baseUrl, `drop database if exists ${quoteIdent(other)} with (force)`);
      await runAdminStatement(baseUrl, `drop role if exists ${quoteIdent(name)}`);
    },
  };
}

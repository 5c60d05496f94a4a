import { readFileSync } from "node:fs";
import { inject } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../db/client";
import { migrateDatabase } from "../../db/migrate";
import { quoteIdent, runAdminStatement, uniqueDatabaseName, urlForDatabase } from "./postgres-admin";

export type TestDatabase = DatabaseHandle & { driverName: "postgres" | "pglite"; drop(): Promise<void> };

/**
 * A fresh, migrated database for one test file: a clone of the run's template on PostgreSQL, or
 * an in-memory PGlite. Call drop() in afterAll.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const baseUrl = process.env.TEST_DATABASE_URL;
  const template = inject("templateDatabase");
  if (baseUrl && template) {
    const name = uniqueDatabaseName("keel_test");
    await runAdminStatement(baseUrl, `create database ${quoteIdent(name)} template ${quoteIdent(template)}`);
    const handle = await openDatabase({ driver: "pg", url: urlForDatabase(baseUrl, name) });
    return {
      ...handle,
      driverName: "postgres",
      async drop() {
        await handle.close();
        await runAdminStatement(baseUrl, `drop database if exists ${quoteIdent(name)} with (force)`);
      },
    };
  }
  const snapshotFile = inject("pgliteSnapshot");
  const snapshot = snapshotFile ? new Blob([readFileSync(snapshotFile)]) : undefined;
  const handle = await openDatabase({ driver: "pglite", dataDir: null, snapshot });
  if (!snapshot) await migrateDatabase(handle);
  return { ...handle, driverName: "pglite", drop: () => handle.close() };
}

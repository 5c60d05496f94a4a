import { describe, expect, it } from "vitest";
import { quoteIdent, runAdminStatement, uniqueDatabaseName, urlForDatabase } from "@/test/support/postgres-admin";
import { openDatabase, type DatabaseHandle } from "./client";
import { pendingMigrations } from "./migrate";

const baseUrl = process.env.TEST_DATABASE_URL;

/** A database nothing was ever applied to: a new PostgreSQL database, or an in-memory PGlite. */
async function neverMigrated(): Promise<{ handle: DatabaseHandle; drop(): Promise<void> }> {
  if (!baseUrl) {
    const handle = await openDatabase({ driver: "pglite", dataDir: null });
    return { handle, drop: () => handle.close().catch(() => undefined) };
  }
  const name = uniqueDatabaseName("keel_unmigrated");
  await runAdminStatement(baseUrl, `create database ${quoteIdent(name)}`);
  const handle = await openDatabase({ driver: "pg", url: urlForDatabase(baseUrl, name) });
  return {
    handle,
    async drop() {
      await handle.close().catch(() => undefined);
      await runAdminStatement(baseUrl, `drop database if exists ${quoteIdent(name)} with (force)`);
    },
  };
}

describe(`pendingMigrations (${baseUrl ? "postgres" : "pglite"})`, () => {
  it("counts every migration as pending on a database that was never migrated", async () => {
    const { handle, drop } = await neverMigrated();
    try {
      expect((await pendingMigrations(handle)).length).toBeGreaterThan(15);
    } finally {
      await drop();
    }
  });

  it("passes on a failure that says nothing about migrations instead of calling everything pending", async () => {
    const { handle, drop } = await neverMigrated();
    await handle.close();
    try {
      await expect(pendingMigrations(handle)).rejects.toThrow();
    } finally {
      await drop();
    }
  });
});

import path from "node:path";
import { sql } from "drizzle-orm";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import type { DatabaseHandle, Schema } from "./client";
import { queryRows } from "./execute";

export const MIGRATIONS_FOLDER = path.join(process.cwd(), "db", "migrations");

/** Arbitrary, fixed key so that app instances starting together migrate one at a time. */
const MIGRATION_LOCK_KEY = 4_127_001;

/** Applies the committed migrations. Safe to call on every start and from several instances. */
export async function migrateDatabase(handle: DatabaseHandle): Promise<void> {
  const config = { migrationsFolder: MIGRATIONS_FOLDER };
  if (handle.raw.kind === "pglite") {
    await migratePglite(handle.db as unknown as PgliteDatabase<Schema>, config);
    return;
  }
  const lockClient = await handle.raw.pool.connect();
  try {
    await lockClient.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    await migratePg(handle.db as unknown as NodePgDatabase<Schema>, config);
  } finally {
    await lockClient.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => undefined);
    lockClient.release();
  }
}

/** Names of committed migrations that the database has not applied yet. */
export async function pendingMigrations(handle: DatabaseHandle): Promise<string[]> {
  const { readMigrationFiles } = await import("drizzle-orm/migrator");
  const files = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER });
  let applied = new Set<string>();
  try {
    const rows = await queryRows<{ hash: string }>(handle.db, sql`select hash from drizzle.__drizzle_migrations`);
    applied = new Set(rows.map((r) => r.hash));
  } catch (error) {
    // No migrations table yet (undefined table or schema): everything is pending. Anything else
    // (the database is down, a permission is missing) is not an answer about migrations.
    const code =
      (error as { code?: string; cause?: { code?: string } }).code ??
      (error as { cause?: { code?: string } }).cause?.code;
    if (code !== "42P01" && code !== "3F000") throw error;
  }
  return files.filter((m) => !applied.has(m.hash)).map((m) => m.folderMillis.toString());
}

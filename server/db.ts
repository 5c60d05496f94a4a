import { databaseTargetFromEnv, openDatabase, type Database, type DatabaseHandle } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";

const GLOBAL_KEY = Symbol.for("keel.database");
type GlobalWithDatabase = typeof globalThis & { [GLOBAL_KEY]?: Promise<DatabaseHandle> };

/**
 * The console's one database handle, opened and migrated on first use. Kept on globalThis: the
 * custom server and Next.js's bundle each load their own copy of this module, and embedded
 * PGlite must be opened exactly once per process.
 */
export function getDatabaseHandle(): Promise<DatabaseHandle> {
  const scope = globalThis as GlobalWithDatabase;
  scope[GLOBAL_KEY] ??= (async () => {
    const handle = await openDatabase(databaseTargetFromEnv());
    await migrateDatabase(handle);
    return handle;
  })();
  // A failed open is not cached: the next call tries again.
  scope[GLOBAL_KEY].catch(() => {
    if ((globalThis as GlobalWithDatabase)[GLOBAL_KEY]) delete (globalThis as GlobalWithDatabase)[GLOBAL_KEY];
  });
  return scope[GLOBAL_KEY];
}

export async function getDb(): Promise<Database> {
  return (await getDatabaseHandle()).db;
}

export async function closeDatabase(): Promise<void> {
  const scope = globalThis as GlobalWithDatabase;
  const pending = scope[GLOBAL_KEY];
  delete scope[GLOBAL_KEY];
  if (pending) await (await pending).close();
}

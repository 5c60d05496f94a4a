import { databaseTargetFromEnv, openDatabase, type Database, type DatabaseHandle } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";

const GLOBAL_KEY = Symbol.for("keel.database");
const CLOSE_HOOKS_KEY = Symbol.for("keel.database.beforeClose");
type GlobalWithDatabase = typeof globalThis & {
  [GLOBAL_KEY]?: Promise<DatabaseHandle>;
  [CLOSE_HOOKS_KEY]?: Set<() => Promise<void>>;
};

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

/**
 * Runs `hook` when closeDatabase() is called, before the handle closes: whatever uses the
 * database on its own (the live hub's listening connection) lets go first. On globalThis, so a
 * hook registered from Next.js's copy of this module runs when the custom server closes.
 */
export function beforeDatabaseClose(hook: () => Promise<void>): void {
  const scope = globalThis as GlobalWithDatabase;
  (scope[CLOSE_HOOKS_KEY] ??= new Set()).add(hook);
}

export async function closeDatabase(): Promise<void> {
  const scope = globalThis as GlobalWithDatabase;
  const hooks = [...(scope[CLOSE_HOOKS_KEY] ?? [])];
  scope[CLOSE_HOOKS_KEY]?.clear();
  // A failing hook must not keep the database open: each one logs its own trouble.
  await Promise.allSettled(hooks.map((hook) => hook()));
  const pending = scope[GLOBAL_KEY];
  delete scope[GLOBAL_KEY];
  if (pending) await (await pending).close();
}

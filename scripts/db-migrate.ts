/** `npm run db:migrate`: applies committed migrations to DATABASE_URL, or to the embedded database. */
import { databaseTargetFromEnv, DatabaseConnectionError, openDatabase } from "../db/client";
import { migrateDatabase, pendingMigrations } from "../db/migrate";

async function main(): Promise<void> {
  const handle = await openDatabase(databaseTargetFromEnv());
  try {
    const pending = await pendingMigrations(handle);
    await migrateDatabase(handle);
    process.stdout.write(
      `${handle.description}: ${pending.length === 0 ? "already up to date" : `applied ${pending.length} migration(s)`}\n`,
    );
  } finally {
    await handle.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof DatabaseConnectionError ? error.message : String(error)}\n`);
  process.exit(1);
});

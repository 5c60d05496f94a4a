/**
 * `npm run audit:verify`: walks the whole audit chain. Prints `OK <count>` and exits 0, or names
 * the first broken sequence number and what is wrong with it and exits 1.
 */
import { databaseTargetFromEnv, DatabaseConnectionError, openDatabase } from "../db/client";
import { verifyAuditChain } from "../server/audit/verify";

async function main(): Promise<void> {
  const handle = await openDatabase(databaseTargetFromEnv());
  try {
    const result = await verifyAuditChain(handle.db);
    if (result.ok) {
      process.stdout.write(`OK ${result.count}\n`);
      return;
    }
    process.stdout.write(`BROKEN at sequence ${result.brokenSeq}: ${result.problem} (${result.count} rows verified before it)\n`);
    process.exitCode = 1;
  } finally {
    await handle.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof DatabaseConnectionError ? error.message : String(error)}\n`);
  process.exit(1);
});

/**
 * `npm run audit:verify [-- --public-key <key>] [-- --witness <file>]`: walks the whole audit
 * trail, then compares it with the newest witness checkpoint (from <KEEL_DATA_DIR> and
 * KEEL_AUDIT_WITNESS_DIR, or the files given). Prints `OK <count>` with what was checked and
 * exits 0, or names the first broken sequence number and what is wrong with it and exits 1.
 */
import { parseArgs } from "node:util";
import { databaseTargetFromEnv, DatabaseConnectionError, openDatabase } from "../db/client";
import { verifierForCli } from "../server/audit/cli-keys";
import { verifyAuditChain } from "../server/audit/verify";
import { witnessFiles } from "../server/audit/witness";

function age(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { "public-key": { type: "string", multiple: true }, witness: { type: "string", multiple: true } },
    strict: true,
  });
  const verifier = verifierForCli(values["public-key"] ?? []);
  const files =
    values.witness ?? witnessFiles(process.env.KEEL_DATA_DIR ?? ".data", process.env.KEEL_AUDIT_WITNESS_DIR);
  const handle = await openDatabase(databaseTargetFromEnv());
  try {
    const result = await verifyAuditChain(handle.db, { verifier, witnessFiles: files });
    if (!result.ok) {
      process.stdout.write(
        `BROKEN at sequence ${result.brokenSeq}: ${result.problem} (${result.count} rows verified before it)\n`,
      );
      process.exitCode = 1;
      return;
    }
    process.stdout.write(`OK ${result.count}\n`);
    if (result.signedFromSeq !== null)
      process.stdout.write(
        `signed by Keel from sequence ${result.signedFromSeq}${result.signedFromSeq > 1 ? " (earlier rows predate signing and verify by their SHA-256 chain)" : ""}\n`,
      );
    if (result.pending > 0)
      process.stdout.write(
        `${result.pending} signed rows not linked yet (oldest ${age(result.oldestPendingSeconds ?? 0)}): the chainer of a running console links them\n`,
      );
    process.stdout.write(
      result.witness
        ? `reaches the witness checkpoint at sequence ${result.witness.seq}, written ${result.witness.at} (${age(result.witness.ageSeconds)} ago)\n`
        : `no witness checkpoint found in ${files.join(", ")}: a cut tail or a rollback cannot be ruled out\n`,
    );
  } finally {
    await handle.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof DatabaseConnectionError || error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});

/**
 * `npm run audit:archive -- --from <seq|date> --to <seq|date> --out file.ndjson`: exports a closed
 * range of the audit trail with its chain checkpoint and records the export as an
 * `audit.archived` event. Deletes nothing (the audit trail refuses deletes).
 * `npm run audit:archive -- --verify file.ndjson` checks an archive on its own, without a database.
 */
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { databaseTargetFromEnv, DatabaseConnectionError, openDatabase } from "../db/client";
import { linkPendingAuditEvents } from "../server/audit/chainer";
import { verifierForCli } from "../server/audit/cli-keys";
import { prepareEnvironment } from "../server/startup/prepare-environment";
import { archiveAuditRange, parseArchiveBound, resolveArchiveRange, verifyArchive } from "../server/audit/archive";
import { AppError } from "../server/errors";

const USAGE =
  "usage: npm run audit:archive -- --from <seq|date> --to <seq|date> --out <file.ndjson>\n       npm run audit:archive -- --verify <file.ndjson>\n";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      from: { type: "string" },
      to: { type: "string" },
      out: { type: "string" },
      verify: { type: "string" },
      "public-key": { type: "string", multiple: true },
    },
    strict: true,
  });
  if (values.verify) {
    const result = verifyArchive(readFileSync(values.verify, "utf8"), verifierForCli(values["public-key"] ?? []));
    if (result.ok) {
      process.stdout.write(
        `OK ${result.rowCount} rows, sequence ${result.fromSeq} to ${result.toSeq}\nstarts after hash ${result.startPrevHash}\ncheckpoint hash   ${result.lastHash}\nfile sha256       ${result.sha256}\n`,
      );
      return;
    }
    process.stdout.write(`BROKEN at line ${result.line}: ${result.problem}\n`);
    process.exitCode = 1;
    return;
  }
  if (!values.from || !values.to || !values.out) {
    process.stderr.write(USAGE);
    process.exitCode = 2;
    return;
  }
  const from = parseArchiveBound(values.from, "from");
  const to = parseArchiveBound(values.to, "to");
  // The archive is itself an audit event, signed with this installation's key.
  prepareEnvironment(process.env.NODE_ENV === "production" ? "production" : "development", () => undefined);
  const handle = await openDatabase(databaseTargetFromEnv());
  try {
    const range = await resolveArchiveRange(handle.db, from, to);
    const actor = {
      userId: null,
      label: `cli:audit-archive (${os.userInfo().username})`,
      sessionId: null,
      request: { userAgent: "npm run audit:archive" },
    };
    const result = await archiveAuditRange(handle.db, actor, range, path.resolve(values.out));
    await linkPendingAuditEvents(handle.db);
    process.stdout.write(
      `Archived ${result.rowCount} audit rows (sequence ${result.fromSeq} to ${result.toSeq}) to ${result.file}\ncheckpoint hash ${result.checkpointHash}\nfile sha256     ${result.sha256}\nrecorded as audit event ${result.auditSeq} (audit.archived). No rows were deleted.\n`,
    );
  } finally {
    await handle.close();
  }
}

function messageOf(error: unknown): string {
  if (error instanceof AppError || error instanceof DatabaseConnectionError) return error.message;
  const code = error instanceof Error && "code" in error ? String((error as { code: unknown }).code) : "";
  if (code.startsWith("ERR_PARSE_ARGS")) return `${(error as Error).message}\n${USAGE}`;
  if (code === "EEXIST") return "The output file already exists; archives are never overwritten, choose another name.";
  if (code === "ENOENT") return `No such file or directory: ${(error as Error).message}`;
  return String(error);
}

main().catch((error: unknown) => {
  process.stderr.write(`${messageOf(error)}\n`);
  process.exit(1);
});

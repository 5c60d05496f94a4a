/**
 * `npm run runbooks:check`: validates every runbook file in KEEL_RUNBOOK_DIRS (default
 * `runbooks`) against the schema and Keel's built-in actions and checks, without a database.
 * Prints each problem as `path:line:column message`; exits 1 when there is any.
 */
import { createBuiltinRegistry } from "../server/engine/builtins";
import { checkRunbookDirectories } from "../server/runbooks/check-command";
import { splitRunbookDirectories } from "../server/runbooks/directories";

async function main(): Promise<void> {
  const report = await checkRunbookDirectories({
    root: process.cwd(),
    directories: splitRunbookDirectories(process.env.KEEL_RUNBOOK_DIRS),
    registry: createBuiltinRegistry(),
  });
  process.stdout.write(`${report.lines.join("\n")}\n`);
  process.exitCode = report.ok ? 0 : 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`runbooks:check failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

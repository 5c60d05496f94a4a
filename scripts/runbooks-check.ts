/**
 * `npm run runbooks:check`: validates every runbook file in KEEL_RUNBOOK_DIRS (default
 * `runbooks`) against the schema and Keel's built-in actions and checks, without a database.
 * Checklist templates in `<directory>/checklists/` are checked too.
 * Prints each problem as `path:line:column message`; exits 1 when there is any.
 */
import { createBuiltinRegistry } from "../server/engine/builtins";
import { checkTemplateDirectories } from "../server/checklists/check-command";
import { checkRunbookDirectories } from "../server/runbooks/check-command";
import { splitRunbookDirectories } from "../server/runbooks/directories";

async function main(): Promise<void> {
  const options = {
    root: process.cwd(),
    directories: splitRunbookDirectories(process.env.KEEL_RUNBOOK_DIRS),
    registry: createBuiltinRegistry(),
  };
  const report = await checkRunbookDirectories(options);
  // Checklist templates (checklists/ inside each runbook directory) are checked by the same command.
  const templates = await checkTemplateDirectories(options);
  process.stdout.write(`${[...report.lines, ...templates.lines].join("\n")}\n`);
  process.exitCode = report.ok && templates.ok ? 0 : 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`runbooks:check failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

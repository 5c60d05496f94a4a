import { formatRunbookProblem } from "@/lib/runbooks/problems";
import type { StepRegistry } from "../engine/registry";
import { checkRunbookFiles } from "./check-file-set";
import { readRunbookFiles } from "./files";

export type CheckReport = { ok: boolean; lines: string[] };

/**
 * `npm run runbooks:check` without the process around it: checks every runbook file as the
 * loader would (including duplicate ids), without a database. Each problem is one line
 * `path:line:column message`, so editors and CI annotations can jump to it.
 */
export async function checkRunbookDirectories(options: {
  root: string;
  directories: string[];
  registry: StepRegistry;
}): Promise<CheckReport> {
  const { files, missingDirectories } = await readRunbookFiles(options.root, options.directories);
  const verdicts = checkRunbookFiles(files, options.registry);
  const lines = missingDirectories.map(
    (directory) => `${directory}: directory not found (set KEEL_RUNBOOK_DIRS to the runbook directories)`,
  );
  let invalid = 0;
  for (const verdict of verdicts) {
    if (verdict.ok) continue;
    invalid++;
    lines.push(...verdict.problems.map((problem) => formatRunbookProblem(verdict.file.path, problem)));
  }
  const count = (n: number) => `${n} runbook ${n === 1 ? "file" : "files"}`;
  if (invalid === 0 && missingDirectories.length === 0) return { ok: true, lines: [`${count(files.length)} OK`] };
  if (invalid > 0) lines.push(`${invalid} of ${count(files.length)} ${invalid === 1 ? "has" : "have"} problems`);
  return { ok: false, lines };
}

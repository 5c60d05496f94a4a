import type { RunbookFileProblem } from "@/db/schema/runbooks";

export type { RunbookFileProblem };

/** `runbooks/rollback.yaml:12:7 steps[2].kind: expected one of …`: the form editors and terminals link to. */
export function formatRunbookProblem(file: string, problem: RunbookFileProblem): string {
  return `${file}:${problem.line}:${problem.column} ${problem.message}`;
}

/** `steps[2].input.seconds`: how a problem names the field it is about. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/** By line, then column, then message, so the output reads top to bottom like the file. */
export function sortProblems(problems: RunbookFileProblem[]): RunbookFileProblem[] {
  return [...problems].sort((a, b) => a.line - b.line || a.column - b.column || a.message.localeCompare(b.message));
}

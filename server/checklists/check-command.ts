import { formatRunbookProblem } from "@/lib/runbooks/problems";
import type { StepRegistry } from "../engine/registry";
import type { CheckReport } from "../runbooks/check-command";
import { readTemplateFiles } from "./files";
import { checkTemplateFile } from "./parse";

/** The checklist templates' part of `npm run runbooks:check`: each problem as `path:line:column message`. */
export async function checkTemplateDirectories(options: {
  root: string;
  directories: string[];
  registry: StepRegistry;
}): Promise<CheckReport> {
  const files = await readTemplateFiles(options.root, options.directories);
  const lines: string[] = [];
  const owners = new Map<string, string>();
  let invalid = 0;
  for (const file of files) {
    const result = file.readError
      ? { ok: false as const, problems: [{ line: 1, column: 1, message: file.readError }] }
      : checkTemplateFile(file.text, options.registry);
    if (result.ok && owners.has(result.definition.id)) {
      invalid++;
      lines.push(
        formatRunbookProblem(file.path, {
          ...result.positions.of(["id"]),
          message: `id: template id "${result.definition.id}" is already declared by ${owners.get(result.definition.id)}; each template file needs its own id`,
        }),
      );
      continue;
    }
    if (result.ok) {
      owners.set(result.definition.id, file.path);
      continue;
    }
    invalid++;
    lines.push(...result.problems.map((problem) => formatRunbookProblem(file.path, problem)));
  }
  const count = (n: number) => `${n} checklist template ${n === 1 ? "file" : "files"}`;
  if (invalid === 0) return { ok: true, lines: [`${count(files.length)} OK`] };
  lines.push(`${invalid} of ${count(files.length)} ${invalid === 1 ? "has" : "have"} problems`);
  return { ok: false, lines };
}

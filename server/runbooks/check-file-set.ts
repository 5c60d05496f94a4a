import type { RunbookDefinition } from "@/lib/runbooks/definition";
import type { RunbookFileProblem } from "@/lib/runbooks/problems";
import type { StepRegistry } from "../engine/registry";
import { checkRunbookFile } from "./check-file";
import type { RunbookSourceFile } from "./files";

export type FileVerdict =
  | { file: RunbookSourceFile; ok: true; definition: RunbookDefinition }
  | { file: RunbookSourceFile; ok: false; problems: RunbookFileProblem[]; runbookId: string | null };

/**
 * Checks each file, then makes sure no two files declare the same runbook id. The file that
 * already owns the id (`owners`: runbook id → file path, from earlier loads) keeps it while it
 * still declares it, or while it is broken and might; otherwise the first file in order does.
 * The others are invalid.
 */
export function checkRunbookFiles(
  files: RunbookSourceFile[],
  registry: StepRegistry,
  owners: ReadonlyMap<string, string> = new Map(),
): FileVerdict[] {
  const checked = files.map((file) => {
    if (file.readError)
      return { file, ok: false as const, problems: [{ line: 1, column: 1, message: file.readError }], runbookId: null };
    const result = checkRunbookFile(file.text, registry);
    return result.ok
      ? { file, ok: true as const, definition: result.definition, positions: result.positions }
      : { file, ok: false as const, problems: result.problems, runbookId: null };
  });

  const claimants = new Map<string, string[]>();
  for (const verdict of checked) {
    if (verdict.ok)
      claimants.set(verdict.definition.id, [...(claimants.get(verdict.definition.id) ?? []), verdict.file.path]);
  }
  const broken = new Set(checked.filter((verdict) => !verdict.ok).map((verdict) => verdict.file.path));
  const keeperOf = (id: string) => {
    const owner = owners.get(id);
    const ownerKeepsIt = owner !== undefined && (claimants.get(id)!.includes(owner) || broken.has(owner));
    return ownerKeepsIt ? owner : claimants.get(id)![0]!;
  };

  return checked.map((verdict): FileVerdict => {
    if (!verdict.ok) return verdict;
    const keeper = keeperOf(verdict.definition.id);
    if (keeper === verdict.file.path) return { file: verdict.file, ok: true, definition: verdict.definition };
    const owning = claimants.get(verdict.definition.id)!.includes(keeper)
      ? `is already declared by ${keeper}`
      : `belongs to ${keeper}, which has problems of its own`;
    const problem = {
      ...verdict.positions.of(["id"]),
      message: `id: runbook id "${verdict.definition.id}" ${owning}; each runbook file needs its own id`,
    };
    return { file: verdict.file, ok: false, problems: [problem], runbookId: verdict.definition.id };
  });
}

import type { RunbookDefinition } from "@/lib/runbooks/definition";
import type { RunbookFileProblem } from "@/lib/runbooks/problems";
import type { StepRegistry } from "../engine/registry";
import { parseRunbookSource } from "./parse";
import type { SourcePositions } from "./source-positions";
import { validateReferences } from "./validate-references";

export type CheckedRunbookFile =
  | { ok: true; definition: RunbookDefinition; positions: SourcePositions }
  | { ok: false; problems: RunbookFileProblem[] };

/** Everything a runbook file must pass before it loads: YAML, the schema, then the semantic rules. */
export function checkRunbookFile(text: string, registry: StepRegistry): CheckedRunbookFile {
  const parsed = parseRunbookSource(text);
  if (!parsed.ok) return parsed;
  const problems = validateReferences(parsed.definition, { registry, positions: parsed.positions });
  return problems.length > 0 ? { ok: false, problems } : parsed;
}

import { runbookDefinition, type RunbookDefinition } from "@/lib/runbooks/definition";
import type { RunbookFileProblem } from "@/lib/runbooks/problems";
import { parseYamlSource } from "./parse-yaml-source";
import type { SourcePositions } from "./source-positions";

export type ParseResult = { ok: true; definition: RunbookDefinition } | { ok: false; problems: RunbookFileProblem[] };

/** A parsed file that also knows where each of its nodes is, for the checks that follow. */
export type ParsedRunbookSource =
  | { ok: true; definition: RunbookDefinition; positions: SourcePositions }
  | { ok: false; problems: RunbookFileProblem[] };

/** Parses a runbook file against the schema; every problem names its field and its line and column (1-based). */
export function parseRunbookFile(text: string): ParseResult {
  const parsed = parseRunbookSource(text);
  return parsed.ok ? { ok: true, definition: parsed.definition } : parsed;
}

export function parseRunbookSource(text: string): ParsedRunbookSource {
  const parsed = parseYamlSource(text, runbookDefinition);
  return parsed.ok ? { ok: true, definition: parsed.value, positions: parsed.positions } : parsed;
}

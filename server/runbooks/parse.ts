import { LineCounter, parseDocument } from "yaml";
import { runbookDefinition, type RunbookDefinition } from "@/lib/runbooks/definition";
import { formatFieldPath, sortProblems, type RunbookFileProblem } from "@/lib/runbooks/problems";
import { schemaProblems } from "./schema-problems";
import { sourcePositions, type SourcePositions } from "./source-positions";

export type ParseResult = { ok: true; definition: RunbookDefinition } | { ok: false; problems: RunbookFileProblem[] };

/** A parsed file that also knows where each of its nodes is, for the checks that follow. */
export type ParsedRunbookSource = { ok: true; definition: RunbookDefinition; positions: SourcePositions } | { ok: false; problems: RunbookFileProblem[] };

/** Parses a runbook file against the schema; every problem names its field and its line and column (1-based). */
export function parseRunbookFile(text: string): ParseResult {
  const parsed = parseRunbookSource(text);
  return parsed.ok ? { ok: true, definition: parsed.definition } : parsed;
}

export function parseRunbookSource(text: string): ParsedRunbookSource {
  const lineCounter = new LineCounter();
  // uniqueKeys (the default) makes a repeated key an error instead of silently keeping the last one.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const positions = sourcePositions(doc, lineCounter);

  const yamlProblems = [...doc.errors, ...doc.warnings].map((error): RunbookFileProblem => {
    const where = positions.atOffset(error.pos[0]);
    if (error.code === "DUPLICATE_KEY") {
      const path = positions.keyPathAt(error.pos[0]);
      return { ...where, message: path ? `${formatFieldPath(path)}: duplicate key; each key may appear once` : "duplicate key; each key may appear once" };
    }
    return { ...where, message: `YAML: ${error.message}` };
  });
  if (yamlProblems.length > 0) return { ok: false, problems: sortProblems(yamlProblems) };

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // An alias to an anchor that does not exist, or an alias bomb.
    return { ok: false, problems: [{ line: 1, column: 1, message: `YAML: ${error instanceof Error ? error.message : String(error)}` }] };
  }
  const result = runbookDefinition.safeParse(data);
  if (!result.success) return { ok: false, problems: sortProblems(schemaProblems(result.error.issues, data, positions)) };
  return { ok: true, definition: result.data, positions };
}

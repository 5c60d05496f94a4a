import { LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { formatFieldPath, sortProblems, type RunbookFileProblem } from "@/lib/runbooks/problems";
import { schemaProblems } from "./schema-problems";
import { sourcePositions, type SourcePositions } from "./source-positions";

export type ParsedYamlSource<T> =
  { ok: true; value: T; data: unknown; positions: SourcePositions } | { ok: false; problems: RunbookFileProblem[] };

/**
 * Parses a YAML file Keel reads (runbooks, checklist templates) against its schema: YAML errors,
 * then the schema's, each naming its field, line and column (1-based). `notAMapping`, when given,
 * is the message for a file whose top level is not a mapping. On success it also returns the raw
 * data and the node positions, for the checks a schema cannot say.
 */
export function parseYamlSource<T>(text: string, schema: z.ZodType<T>, notAMapping?: string): ParsedYamlSource<T> {
  const lineCounter = new LineCounter();
  // uniqueKeys (the default) makes a repeated key an error instead of silently keeping the last one.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const positions = sourcePositions(doc, lineCounter);

  const yamlProblems = [...doc.errors, ...doc.warnings].map((error): RunbookFileProblem => {
    const where = positions.atOffset(error.pos[0]);
    if (error.code === "DUPLICATE_KEY") {
      const path = positions.keyPathAt(error.pos[0]);
      return {
        ...where,
        message: path
          ? `${formatFieldPath(path)}: duplicate key; each key may appear once`
          : "duplicate key; each key may appear once",
      };
    }
    return { ...where, message: `YAML: ${error.message}` };
  });
  if (yamlProblems.length > 0) return { ok: false, problems: sortProblems(yamlProblems) };

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // An alias to an anchor that does not exist, or an alias bomb.
    return {
      ok: false,
      problems: [{ line: 1, column: 1, message: `YAML: ${error instanceof Error ? error.message : String(error)}` }],
    };
  }
  if (notAMapping && (data === null || typeof data !== "object" || Array.isArray(data))) {
    return { ok: false, problems: [{ line: 1, column: 1, message: notAMapping }] };
  }
  const result = schema.safeParse(data);
  if (!result.success)
    return { ok: false, problems: sortProblems(schemaProblems(result.error.issues, data, positions)) };
  return { ok: true, value: result.data, data, positions };
}

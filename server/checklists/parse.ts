import { LineCounter, parseDocument } from "yaml";
import { checklistTemplateDefinition, type ChecklistTemplateDefinition } from "@/lib/checklists/template";
import { formatFieldPath, sortProblems, type RunbookFileProblem } from "@/lib/runbooks/problems";
import type { StepRegistry } from "../engine/registry";
import { schemaProblems } from "../runbooks/schema-problems";
import { sourcePositions, type SourcePositions } from "../runbooks/source-positions";

export type ParsedTemplate = { ok: true; definition: ChecklistTemplateDefinition; positions: SourcePositions } | { ok: false; problems: RunbookFileProblem[] };

/**
 * Parses a checklist template file like a runbook file: YAML, then the schema, then the rules a
 * schema cannot say (unique ids, checks that exist). Every problem names its field, line and column.
 */
export function checkTemplateFile(text: string, registry: StepRegistry): ParsedTemplate {
  const lineCounter = new LineCounter();
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
    return { ok: false, problems: [{ line: 1, column: 1, message: `YAML: ${error instanceof Error ? error.message : String(error)}` }] };
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    return { ok: false, problems: [{ line: 1, column: 1, message: "a checklist template must be a YAML mapping with id, title, summary and sections" }] };
  }
  const result = checklistTemplateDefinition.safeParse(data);
  if (!result.success) return { ok: false, problems: sortProblems(schemaProblems(result.error.issues, data, positions)) };

  const problems: RunbookFileProblem[] = [];
  const sectionIds = new Set<string>();
  const itemIds = new Set<string>();
  result.data.sections.forEach((section, s) => {
    if (sectionIds.has(section.id)) problems.push({ ...positions.of(["sections", s, "id"]), message: `sections[${s}].id: section id "${section.id}" is used twice; each section needs its own id` });
    sectionIds.add(section.id);
    section.items.forEach((item, i) => {
      const at = ["sections", s, "items", i] as const;
      if (itemIds.has(item.id)) problems.push({ ...positions.of([...at, "id"]), message: `${formatFieldPath([...at, "id"])}: item id "${item.id}" is used twice; each item needs its own id` });
      itemIds.add(item.id);
      if (item.verify?.probe === "check") {
        const check = registry.check(item.verify.check);
        if (!check) {
          problems.push({ ...positions.of([...at, "verify", "check"]), message: `${formatFieldPath([...at, "verify", "check"])}: no check "${item.verify.check}" is registered (registered checks: ${registry.checkNames().join(", ")})` });
        } else {
          const input = check.input.safeParse(item.verify.input);
          if (!input.success) problems.push(...schemaProblems(input.error.issues, data, positions, [...at, "verify", "input"]));
        }
      }
    });
  });
  return problems.length > 0 ? { ok: false, problems: sortProblems(problems) } : { ok: true, definition: result.data, positions };
}

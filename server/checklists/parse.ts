import { checklistTemplateDefinition, type ChecklistTemplateDefinition } from "@/lib/checklists/template";
import { formatFieldPath, sortProblems, type RunbookFileProblem } from "@/lib/runbooks/problems";
import type { StepRegistry } from "../engine/registry";
import { parseYamlSource } from "../runbooks/parse-yaml-source";
import { schemaProblems } from "../runbooks/schema-problems";
import type { SourcePositions } from "../runbooks/source-positions";

export type ParsedTemplate =
  | { ok: true; definition: ChecklistTemplateDefinition; positions: SourcePositions }
  | { ok: false; problems: RunbookFileProblem[] };

/**
 * Parses a checklist template file like a runbook file: YAML, then the schema, then the rules a
 * schema cannot say (unique ids, checks that exist). Every problem names its field, line and column.
 */
export function checkTemplateFile(text: string, registry: StepRegistry): ParsedTemplate {
  const parsed = parseYamlSource(
    text,
    checklistTemplateDefinition,
    "a checklist template must be a YAML mapping with id, title, summary and sections",
  );
  if (!parsed.ok) return parsed;
  const { value: definition, data, positions } = parsed;

  const problems: RunbookFileProblem[] = [];
  const sectionIds = new Set<string>();
  const itemIds = new Set<string>();
  definition.sections.forEach((section, s) => {
    if (sectionIds.has(section.id))
      problems.push({
        ...positions.of(["sections", s, "id"]),
        message: `sections[${s}].id: section id "${section.id}" is used twice; each section needs its own id`,
      });
    sectionIds.add(section.id);
    section.items.forEach((item, i) => {
      const at = ["sections", s, "items", i] as const;
      if (itemIds.has(item.id))
        problems.push({
          ...positions.of([...at, "id"]),
          message: `${formatFieldPath([...at, "id"])}: item id "${item.id}" is used twice; each item needs its own id`,
        });
      itemIds.add(item.id);
      if (item.verify?.probe === "check") {
        const check = registry.check(item.verify.check);
        if (!check) {
          problems.push({
            ...positions.of([...at, "verify", "check"]),
            message: `${formatFieldPath([...at, "verify", "check"])}: no check "${item.verify.check}" is registered (registered checks: ${registry.checkNames().join(", ")})`,
          });
        } else {
          const input = check.input.safeParse(item.verify.input);
          if (!input.success)
            problems.push(...schemaProblems(input.error.issues, data, positions, [...at, "verify", "input"]));
        }
      }
    });
  });
  return problems.length > 0 ? { ok: false, problems: sortProblems(problems) } : { ok: true, definition, positions };
}

import type { RunbookDefinition } from "@/lib/runbooks/definition";
import { readingText, type ReadingScope } from "@/lib/runbooks/reading-text";

/** What a runbook's texts read as before a run: no input chosen, each step named by its readable title. */
export function readingScopeOf(definition: Pick<RunbookDefinition, "inputs" | "steps">): ReadingScope {
  const base: ReadingScope = {
    inputs: {},
    inputLabels: Object.fromEntries(definition.inputs.map((input) => [input.name, input.label])),
    secretInputs: new Set(definition.inputs.filter((input) => input.type === "secret").map((input) => input.name)),
  };
  return {
    ...base,
    stepTitles: Object.fromEntries(definition.steps.map((step) => [step.id, readingText(step.title, base)])),
  };
}

import type { RunbookDefinition } from "@/lib/runbooks/definition";
import { readingText } from "@/lib/runbooks/reading-text";
import type { TemplateScope } from "../runbooks/templates";

/**
 * Fills the templates in a step's title or instructions for reading ("Let checkout settle").
 * Unlike rendering an action's input, nothing here may fail, and no raw `{{template}}` is shown:
 * a reference that cannot be filled yet (a later step's output) reads as words naming it, with
 * the runbook's labels and titles when the definition is given. Secret inputs are never in this scope.
 */
export function displayText(
  text: string,
  scope: TemplateScope,
  definition?: Pick<RunbookDefinition, "inputs" | "steps">,
): string {
  const inputLabels = Object.fromEntries((definition?.inputs ?? []).map((input) => [input.name, input.label]));
  const secretInputs = new Set(
    (definition?.inputs ?? []).filter((input) => input.type === "secret").map((input) => input.name),
  );
  const base = {
    inputs: scope.inputs,
    inputLabels,
    secretInputs,
    inputsFinal: true,
    steps: scope.steps,
    run: scope.run,
  };
  // A title that refers to another step's result names that step by its own (readable) title.
  const stepTitles = Object.fromEntries(
    (definition?.steps ?? []).map((step) => [step.id, readingText(step.title, base)]),
  );
  return readingText(text, { ...base, stepTitles });
}

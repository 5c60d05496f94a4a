import type { StepDefinition } from "@/lib/runbooks/definition";
import type { RunbookFileProblem } from "@/lib/runbooks/problems";
import { templateReferencesIn } from "../templates";
import { problemAt, stringsWithPaths, type FieldPath, type Rule, type RuleContext } from "./context";

const RUN_FIELDS = ["id", "number", "startedBy"];
const OUTPUT_KINDS: ReadonlySet<StepDefinition["kind"]> = new Set(["action", "check"]);
/** Shown on the run page as they are; a secret there would be on everyone's screen. */
const DISPLAYED_STEP_FIELDS = new Set(["title", "instructions"]);

/**
 * Every `{{…}}` must resolve when the run gets there: a declared input, run.*, or a step that
 * has finished by then. Lock keys are taken before the run starts, so they may only use inputs.
 */
export const templateReferences: Rule = (context) => {
  const problems: RunbookFileProblem[] = [];
  const { definition } = context;
  const report = (path: FieldPath, message: string) => problems.push(problemAt(context, path, message));

  for (const key of ["id", "title", "summary", "services", "tags", "inputs"] as const) {
    for (const { path, text } of stringsWithPaths(definition[key], [key])) {
      checkBraces(text, path, report);
      if (templateReferencesIn(text).length > 0)
        report(path, "templates are filled in only inside steps and lock keys");
    }
  }

  for (const [index, lock] of definition.locks.entries()) {
    const path = ["locks", index, "key"];
    checkBraces(lock.key, path, report);
    for (const reference of templateReferencesIn(lock.key)) {
      const problem = inputProblem(context, reference, { forDisplay: true });
      if (problem === null) continue;
      report(
        path,
        problem === NOT_AN_INPUT
          ? `{{${reference}}}: a lock key may only use inputs, because the lock is taken before the run starts`
          : problem,
      );
    }
  }

  for (const [index, step] of definition.steps.entries()) {
    for (const { path, text } of stringsWithPaths(step, ["steps", index])) {
      checkBraces(text, path, report);
      const inCompensation = path[2] === "compensation";
      const forDisplay = path.length === 3 && DISPLAYED_STEP_FIELDS.has(String(path[2]));
      for (const reference of templateReferencesIn(text)) {
        const problem = stepReferenceProblem(context, reference, index, { inCompensation, forDisplay });
        if (problem) report(path, problem);
      }
    }
  }
  return problems;
};

const NOT_AN_INPUT = "not an input";

/** Null when `reference` is a declared input usable here; NOT_AN_INPUT when it names something else. */
function inputProblem(context: RuleContext, reference: string, { forDisplay }: { forDisplay: boolean }): string | null {
  const [root, name, ...rest] = reference.split(".");
  if (root !== "inputs") return NOT_AN_INPUT;
  const input = context.definition.inputs.find((candidate) => candidate.name === name);
  if (!name || !input) return `{{${reference}}} refers to no declared input${declaredInputs(context)}`;
  if (rest.length > 0) return `{{${reference}}}: an input is a single value and has no fields; use {{inputs.${name}}}`;
  if (forDisplay && input.type === "secret")
    return `{{${reference}}} would show the secret input "${name}" in plain text; pass it only in an action's or check's input`;
  return null;
}

function stepReferenceProblem(
  context: RuleContext,
  reference: string,
  stepIndex: number,
  where: { inCompensation: boolean; forDisplay: boolean },
): string | null {
  const segments = reference.split(".");
  const [root] = segments;
  if (root === "inputs") return inputProblem(context, reference, where);
  if (root === "run") {
    return segments.length === 2 && RUN_FIELDS.includes(segments[1]!)
      ? null
      : `{{${reference}}}: a run has only id, number and startedBy`;
  }
  if (root === "steps") return earlierStepProblem(context, segments, stepIndex, where.inCompensation);
  return `{{${reference}}} is not something a template can use; use inputs.<name>, steps.<id>.output.<field>, steps.<id>.status or run.id, run.number, run.startedBy`;
}

function earlierStepProblem(
  context: RuleContext,
  segments: string[],
  stepIndex: number,
  inCompensation: boolean,
): string | null {
  const reference = segments.join(".");
  const [, id, field] = segments;
  const steps = context.definition.steps;
  const target = steps.findIndex((step) => step.id === id);
  if (!id || target === -1)
    return `{{${reference}}} refers to no step; step ids are ${steps.map((step) => step.id).join(", ")}`;
  // A compensation undoes its own step after it ran, so it may use that step's result.
  const finishedBefore = target < stepIndex || (inCompensation && target === stepIndex);
  if (!finishedBefore) {
    return target === stepIndex
      ? `{{${reference}}} uses this step's own result, which does not exist while it runs`
      : `{{${reference}}} uses step "${id}", which comes later; a step can only use the steps before it`;
  }
  if (field === "status" && segments.length === 3) return null;
  if (field === "output") {
    const kind = steps[target]!.kind;
    return OUTPUT_KINDS.has(kind)
      ? null
      : `{{${reference}}}: step "${id}" is a ${kind} step and has no output; only action and check steps do`;
  }
  return `{{${reference}}}: a step offers only status and output (steps.${id}.status, steps.${id}.output.<field>)`;
}

/** A `{{` that never closes is almost always a typo that would otherwise reach a command verbatim. */
function checkBraces(text: string, path: FieldPath, report: (path: FieldPath, message: string) => void): void {
  const opened = text.split("{{").length - 1;
  if (opened > templateReferencesIn(text).length) report(path, `has "{{" without a matching "}}"`);
}

function declaredInputs(context: RuleContext): string {
  const names = context.definition.inputs.map((input) => input.name);
  return names.length === 0 ? " (this runbook declares no inputs)" : ` (inputs are ${names.join(", ")})`;
}

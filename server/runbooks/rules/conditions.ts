import type { Condition } from "@/lib/runbooks/definition";
import type { RunbookFileProblem } from "@/lib/runbooks/problems";
import { problemAt, type FieldPath, type Rule, type RuleContext } from "./context";

/** The statuses a finished earlier step can have when a later step's condition is evaluated. */
export const CONDITION_STEP_STATUSES = ["succeeded", "failed", "skipped", "not_applicable"] as const;

/** A `when` may look only at declared inputs and at steps that have finished before its own. */
export const conditionReferences: Rule = (context) =>
  context.definition.steps.flatMap((step, index) =>
    step.when ? checkCondition(context, step.when, index, ["steps", index, "when"]) : [],
  );

function checkCondition(
  context: RuleContext,
  condition: Condition,
  stepIndex: number,
  path: FieldPath,
): RunbookFileProblem[] {
  if ("all" in condition && condition.all)
    return condition.all.flatMap((inner, i) => checkCondition(context, inner, stepIndex, [...path, "all", i]));
  if ("any" in condition && condition.any)
    return condition.any.flatMap((inner, i) => checkCondition(context, inner, stepIndex, [...path, "any", i]));
  if ("not" in condition && condition.not) return checkCondition(context, condition.not, stepIndex, [...path, "not"]);
  if ("input" in condition && condition.input !== undefined) return checkInputCondition(context, condition, path);
  if ("step" in condition && condition.step !== undefined)
    return checkStepCondition(context, condition, stepIndex, path);
  return [];
}

function checkInputCondition(
  context: RuleContext,
  condition: Extract<Condition, { input: string }>,
  path: FieldPath,
): RunbookFileProblem[] {
  const input = context.definition.inputs.find((candidate) => candidate.name === condition.input);
  if (!input) {
    const names = context.definition.inputs.map((candidate) => candidate.name);
    return [
      problemAt(
        context,
        [...path, "input"],
        `"${condition.input}" is not a declared input${names.length ? ` (inputs are ${names.join(", ")})` : ""}`,
      ),
    ];
  }
  if (input.type !== "enum") return [];
  // Comparing an enum with a value it can never take is a condition that is always the same.
  const options = input.options.map((option) => (typeof option === "string" ? option : option.value));
  const problems: RunbookFileProblem[] = [];
  const compared: [FieldPath, unknown][] = [
    [[...path, "equals"], condition.equals],
    [[...path, "notEquals"], condition.notEquals],
    ...(condition.in ?? []).map((value, i): [FieldPath, unknown] => [[...path, "in", i], value]),
  ];
  for (const [valuePath, value] of compared) {
    if (value !== undefined && !options.includes(value as string)) {
      problems.push(
        problemAt(
          context,
          valuePath,
          `${JSON.stringify(value)} is not an option of input "${input.name}" (${options.join(", ")})`,
        ),
      );
    }
  }
  return problems;
}

function checkStepCondition(
  context: RuleContext,
  condition: Extract<Condition, { step: string }>,
  stepIndex: number,
  path: FieldPath,
): RunbookFileProblem[] {
  const steps = context.definition.steps;
  const target = steps.findIndex((step) => step.id === condition.step);
  const stepPath = [...path, "step"];
  if (target === -1)
    return [
      problemAt(
        context,
        stepPath,
        `"${condition.step}" is not a step id (step ids are ${steps.map((step) => step.id).join(", ")})`,
      ),
    ];
  if (target >= stepIndex) {
    return [
      problemAt(
        context,
        stepPath,
        target === stepIndex
          ? "a step's condition cannot depend on the step itself"
          : `step "${condition.step}" comes later; a condition can only look at the steps before it`,
      ),
    ];
  }
  const problems: RunbookFileProblem[] = [];
  const kind = steps[target]!.kind;
  if (condition.output !== undefined && kind !== "action" && kind !== "check") {
    problems.push(
      problemAt(
        context,
        [...path, "output"],
        `step "${condition.step}" is a ${kind} step and has no output; only action and check steps do`,
      ),
    );
  }
  if (condition.status !== undefined && !(CONDITION_STEP_STATUSES as readonly string[]).includes(condition.status)) {
    problems.push(problemAt(context, [...path, "status"], `expected one of ${CONDITION_STEP_STATUSES.join(", ")}`));
  }
  return problems;
}

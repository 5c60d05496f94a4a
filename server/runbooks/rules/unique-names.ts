import type { RunbookFileProblem } from "@/lib/runbooks/problems";
import { problemAt, type Rule } from "./context";

/** Input names and step ids are how templates and conditions refer to them, so each must be unique. */
export const uniqueNames: Rule = (context) => {
  const problems: RunbookFileProblem[] = [];
  const inputs = new Map<string, number>();
  for (const [index, input] of context.definition.inputs.entries()) {
    const first = inputs.get(input.name);
    if (first === undefined) inputs.set(input.name, index);
    else
      problems.push(
        problemAt(
          context,
          ["inputs", index, "name"],
          `"${input.name}" is already the name of inputs[${first}]; input names must be unique`,
        ),
      );
  }
  const steps = new Map<string, number>();
  for (const [index, step] of context.definition.steps.entries()) {
    const first = steps.get(step.id);
    if (first === undefined) steps.set(step.id, index);
    else
      problems.push(
        problemAt(
          context,
          ["steps", index, "id"],
          `"${step.id}" is already the id of steps[${first}]; step ids must be unique`,
        ),
      );
  }
  return problems;
};

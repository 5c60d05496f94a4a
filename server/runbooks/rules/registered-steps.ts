import type { z } from "zod";
import type { RunbookFileProblem } from "@/lib/runbooks/problems";
import { schemaProblems } from "../schema-problems";
import { findTemplateReferences } from "../templates";
import { problemAt, type FieldPath, type Rule, type RuleContext } from "./context";

/**
 * Actions, compensations and checks must exist in this Keel. Where an input has no templates,
 * it is checked against the action's own schema now rather than failing mid-run.
 */
export const registeredSteps: Rule = (context) => {
  const problems: RunbookFileProblem[] = [];
  const { registry } = context;
  for (const [index, step] of context.definition.steps.entries()) {
    const path = ["steps", index];
    if (step.kind === "action") {
      const action = registry.action(step.action);
      if (!action)
        problems.push(
          problemAt(
            context,
            [...path, "action"],
            `no action "${step.action}" is registered${known(registry.actionNames(), "actions")}`,
          ),
        );
      else problems.push(...literalInputProblems(context, action.input, step.input, [...path, "input"]));
    }
    if (step.kind === "check") {
      const check = registry.check(step.check);
      if (!check)
        problems.push(
          problemAt(
            context,
            [...path, "check"],
            `no check "${step.check}" is registered${known(registry.checkNames(), "checks")}`,
          ),
        );
      else problems.push(...literalInputProblems(context, check.input, step.input, [...path, "input"]));
    }
    if (step.compensation) {
      const compensationPath = [...path, "compensation"];
      const action = registry.action(step.compensation.action);
      if (!action) {
        problems.push(
          problemAt(
            context,
            [...compensationPath, "action"],
            `no action "${step.compensation.action}" is registered${known(registry.actionNames(), "actions")}`,
          ),
        );
      } else {
        problems.push(
          ...literalInputProblems(context, action.input, step.compensation.input, [...compensationPath, "input"]),
        );
      }
    }
  }
  return problems;
};

function literalInputProblems(
  context: RuleContext,
  schema: z.ZodType,
  input: Record<string, unknown>,
  path: FieldPath,
): RunbookFileProblem[] {
  // Templated values are only known during the run; the engine validates them then.
  if (findTemplateReferences(input).length > 0) return [];
  const result = schema.safeParse(input);
  if (result.success) return [];
  return schemaProblems(result.error.issues, context.definition, context.positions, path);
}

function known(names: string[], what: string): string {
  return names.length === 0 ? ` (none are registered)` : ` (registered ${what}: ${names.join(", ")})`;
}

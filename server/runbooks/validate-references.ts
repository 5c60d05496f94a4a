import type { RunbookDefinition } from "@/lib/runbooks/definition";
import { sortProblems, type RunbookFileProblem } from "@/lib/runbooks/problems";
import type { StepRegistry } from "../engine/registry";
import type { SourcePositions } from "./source-positions";
import { conditionReferences } from "./rules/conditions";
import type { Rule } from "./rules/context";
import { inputDefaults } from "./rules/input-defaults";
import { registeredSteps } from "./rules/registered-steps";
import { approvalsPrecedeActions } from "./rules/step-order";
import { templateReferences } from "./rules/template-references";
import { uniqueNames } from "./rules/unique-names";

const RULES: Rule[] = [
  uniqueNames,
  inputDefaults,
  templateReferences,
  conditionReferences,
  registeredSteps,
  approvalsPrecedeActions,
];

/**
 * The checks the schema cannot express, run once it passes: names are unique, every reference
 * resolves at the point the run reaches it, defaults fit their bounds, actions and checks exist.
 * Problems come sorted by line, each naming its field.
 */
export function validateReferences(
  definition: RunbookDefinition,
  options: { registry: StepRegistry; positions: SourcePositions },
): RunbookFileProblem[] {
  const context = { definition, ...options };
  return sortProblems(RULES.flatMap((rule) => rule(context)));
}

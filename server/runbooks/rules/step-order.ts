import type { RunbookFileProblem } from "@/lib/runbooks/problems";
import { problemAt, type Rule } from "./context";

/** An approval binds to the plan of the actions after it; with none, there would be nothing to approve. */
export const approvalsPrecedeActions: Rule = (context) => {
  const problems: RunbookFileProblem[] = [];
  const steps = context.definition.steps;
  for (const [index, step] of steps.entries()) {
    if (step.kind !== "approval") continue;
    if (steps.slice(index + 1).some((later) => later.kind === "action")) continue;
    problems.push(
      problemAt(
        context,
        ["steps", index, "kind"],
        "an approval must be followed by at least one action step; otherwise there is nothing to approve",
      ),
    );
  }
  return problems;
};

import { approvesBroadAllowlistEntry } from "../allowlist/broad-approval";
import type { Command } from "../engine/machine/types";
import type { StepRegistry } from "../engine/registry";
import type { StoredRun } from "../engine/run-state";
import { displayText } from "./display-text";

/**
 * What makes a person's command high-risk, in words for the refusal ("Promoting a secret's new
 * value"), or null. High-risk: executing or retrying an action marked `highRisk`
 * (secret.promote, backup.restore, deploy.rollback), and approving an approval that gates one of
 * them or lets a broad allowlist range through. Keel's one definition: the engine asks it before
 * a person's command (re-authentication) and the runs router before dispatching one (the
 * high-risk rate limit); the composition hands it to the engine as `EngineDeps.highRisk`.
 */
export function highRiskCommand(registry: StepRegistry, stored: StoredRun, command: Command): string | null {
  if (command.type !== "execute" && command.type !== "retry" && command.type !== "approve") return null;
  const steps = stored.definition.steps;
  const step = steps.find((s) => s.id === command.stepId);
  if (!step) return null;
  const title = titleOf(stored, step.title);
  if (command.type !== "approve") {
    if (step.kind !== "action") return null;
    const action = registry.action(step.action);
    return action?.highRisk
      ? `${command.type === "retry" ? "Retrying" : "Executing"} “${title}” (${action.title})`
      : null;
  }
  if (step.kind !== "approval") return null;
  const row = stored.steps.find((s) => s.stepId === step.id);
  const position = steps.indexOf(step);
  const coveredIds = row?.coveredPlans ? Object.keys(row.coveredPlans) : steps.slice(position + 1).map((s) => s.id);
  const gated = steps
    .filter((s) => s.kind === "action" && coveredIds.includes(s.id))
    .map((s) => (s.kind === "action" ? s.action : ""));
  const risky = gated.map((name) => registry.action(name)).find((action) => action?.highRisk);
  if (risky) return `Approving “${title}” (it lets ${risky.title.toLowerCase()} go ahead)`;
  const checkOf = (stepId: string) => {
    const s = steps.find((candidate) => candidate.id === stepId);
    return s?.kind === "check" ? s.check : null;
  };
  if (approvesBroadAllowlistEntry(gated, stored.steps, checkOf))
    return `Approving “${title}” (a broad allowlist range)`;
  return null;
}

/** The step's title as the run page shows it ("Switch demo-api-key to the new value"). */
function titleOf(stored: StoredRun, title: string): string {
  return displayText(
    title,
    {
      inputs: Object.fromEntries(Object.entries(stored.row.inputs ?? {}).filter(([, v]) => typeof v !== "object")),
      steps: Object.fromEntries(stored.steps.map((s) => [s.stepId, { status: s.status, output: s.output }])),
      run: { id: stored.row.id, number: stored.row.number, startedBy: "" },
    },
    stored.definition,
  );
}

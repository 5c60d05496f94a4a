import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hasRole } from "@/lib/roles";
import { choicesArb, endingArb, scenarioArb } from "@/test/support/run-machine/arbitraries";
import { PEOPLE, Simulation, type Checker } from "@/test/support/run-machine/model";
import { transition } from "../engine/machine/transition";
import type { Actor, Command, MachineContext, MachineRun } from "../engine/machine/types";
import { COMMAND_ROLES, mayAbort, stepPermissions } from "./permissions";

/** 100 by default: every state of every run is checked for every step; raise it (FC_NUM_RUNS) to hunt longer. */
const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 100);

type Permission = keyof typeof COMMAND_ROLES;

/**
 * Every command a person could send for a permission, with the inputs they might give (evidence
 * or none, a reason, approving or refusing), on the binding the page shows them.
 */
function candidates(run: MachineRun, actor: Actor, stepId: string): Record<Exclude<Permission, "abort">, Command[]> {
  const bindingHash = run.steps.find((s) => s.id === stepId)?.bindingHash ?? "";
  return {
    confirm: [
      { type: "confirm", stepId, actor, evidence: null },
      { type: "confirm", stepId, actor, evidence: { note: "The dashboard is green." } },
      { type: "confirm", stepId, actor, evidence: { link: "https://status.example.com/incident/7" } },
    ],
    execute: [{ type: "execute", stepId, actor }],
    decide: [
      { type: "approve", stepId, actor, bindingHash },
      { type: "refuse", stepId, actor, bindingHash, comment: "Not during the release." },
    ],
    retry: [{ type: "retry", stepId, actor }],
    skip: [
      { type: "skip", stepId, actor, reason: "Done by hand already." },
      { type: "skip", stepId, actor, reason: "n/a" },
    ],
  };
}

/** The oracle: the person's role reaches the procedure, and the state machine accepts at least one way of sending it. */
function accepted(context: MachineContext, run: MachineRun, actor: Actor, permission: Permission, commands: Command[]) {
  return hasRole(actor.role, COMMAND_ROLES[permission]) && commands.some((c) => transition(context, run, c).ok);
}

function disagreement(context: MachineContext, run: MachineRun, actor: Actor): string | undefined {
  const abort = accepted(context, run, actor, "abort", [{ type: "abort", actor, reason: "Wrong target." }]);
  if (mayAbort(context, run, actor) !== abort)
    return `can.abort is ${!abort} for ${actor.userId} (${actor.role}), but the machine says ${abort}`;
  for (const step of run.steps) {
    const can = stepPermissions(context, run, actor, step.id);
    for (const [permission, commands] of Object.entries(candidates(run, actor, step.id))) {
      const expected = accepted(context, run, actor, permission as Permission, commands);
      if (can[permission as keyof typeof can] !== expected)
        return `can.${permission} of ${step.id} (${step.kind}, ${step.status}) is ${!expected} for ${actor.userId} (${actor.role}) in a ${run.status}${run.aborting ? ", aborting" : ""} run, but the machine says ${expected}`;
    }
  }
  return undefined;
}

/**
 * Looks at every state the run reaches, at the time it reaches it, as seen by one of the people
 * (the starter, leads, responders, an admin, a viewer), each in turn.
 */
const permissionsAgree: Checker = {
  name: "the page's permissions agree with the state machine",
  afterCommand: ({ result, now, sim }) =>
    result.ok
      ? disagreement({ definition: sim.definition, now }, result.run, PEOPLE[sim.sent.length % PEOPLE.length]!)
      : undefined,
};

describe("what the run page lets a viewer do", () => {
  it("can.* is exactly what the state machine accepts from that viewer, within their role, for random runs, states and people", () => {
    let checked = 0;
    fc.assert(
      fc.property(scenarioArb, choicesArb, endingArb, (scenario, choices, ending) => {
        const sim = new Simulation(scenario, [permissionsAgree]);
        sim.play(choices, ending);
        sim.settle(ending);
        checked += sim.sent.length;
      }),
      { numRuns: NUM_RUNS },
    );
    expect(checked).toBeGreaterThan(NUM_RUNS);
  }, 120_000);
});

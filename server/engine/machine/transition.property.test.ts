import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runbookDefinition } from "@/lib/runbooks/definition";
import { choicesArb, endingArb, scenarioArb } from "@/test/support/run-machine/arbitraries";
import {
  Simulation,
  T0,
  type Checker,
  type Choice,
  type Ending,
  type Scenario,
} from "@/test/support/run-machine/model";
import {
  abortCompensatesNewestFirst,
  actionEffectsHappenOnce,
  approvalsComeFromOthers,
  commandsFollowTheRules,
  doneStepsStayDone,
  resultsDecideOutcomes,
  stateIsValid,
  terminalRunsAreFinal,
} from "@/test/support/run-machine/properties";
import { initialRun, transition } from "./transition";
import type { Command, Effect, MachineRun } from "./types";

/** 300 by default; raise it (FC_NUM_RUNS=5000) to hunt longer locally. */
const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 300);

/**
 * Random runbooks, random people and a job queue that loses, repeats and reorders jobs; workers
 * crash, sometimes after the effect happened. After up to 60 random moves everyone cooperates
 * until the run ends (or is aborted and ends), then the ended run gets its old commands again.
 */
function simulate(
  checkers: readonly Checker[],
  scenario: Scenario,
  choices: Choice[],
  ending: Ending,
  mustEnd = false,
): Simulation {
  const sim = new Simulation(scenario, checkers);
  sim.play(choices, ending);
  if (!sim.settle(ending, { mustEnd })) return sim;
  sim.checkEnd();
  const ended = structuredClone(sim.run);
  for (const command of sim.sent.slice(-25)) sim.send(command);
  expect(sim.run).toEqual(ended);
  return sim;
}

function holds(...checkers: Checker[]) {
  fc.assert(
    fc.property(scenarioArb, choicesArb, endingArb, (scenario, choices, ending) => {
      simulate(checkers, scenario, choices, ending);
    }),
    { numRuns: NUM_RUNS },
  );
}

describe("run state machine properties", () => {
  it("every accepted command leaves a valid state, whose run status follows from its steps", () => holds(stateIsValid));

  it("a step ends as its job or plan reported (a check as its expectation says), and by nothing else", () =>
    holds(resultsDecideOutcomes));

  it("an ended run (succeeded, cancelled, refused) refuses every further command and never changes", () =>
    holds(terminalRunsAreFinal));

  it("commands the rules forbid are refused, those they plainly allow are accepted, and a refused command changes nothing", () =>
    holds(commandsFollowTheRules));

  it("a done step never changes, except to be compensated or to re-open its approval", () => holds(doneStepsStayDone));

  it("an action's effect happens at most once over all its attempts, and exactly once when it succeeded, across crashes and resumes", () =>
    holds(actionEffectsHappenOnce));

  it("an approval succeeds only through N valid decisions of others on its current binding, stands for exactly the plan that runs, and is voided only when that changes", () =>
    holds(approvalsComeFromOthers));

  it("an abort or a refusal compensates completed steps newest first, after the job in flight, and ends with no effect left in place", () =>
    holds(abortCompensatesNewestFirst));

  it("from any reachable state, cooperating people and workers bring the run to its end (succeeded, refused once refused, or cancelled once aborted)", () => {
    fc.assert(
      fc.property(scenarioArb, choicesArb, endingArb, (scenario, choices, ending) => {
        simulate([], scenario, choices, ending, true);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("the generated runs go through every path the properties are about", () => {
    const runs = fc.sample(fc.tuple(scenarioArb, choicesArb, endingArb), { numRuns: NUM_RUNS, seed: 42 });
    const seen = new Map<string, number>();
    for (const [scenario, choices, ending] of runs) {
      const sim = new Simulation(scenario, []);
      sim.play(choices, ending); // the random moves only: the cooperative end would cover the happy paths anyway
      for (const event of sim.events.keys()) seen.set(event, (seen.get(event) ?? 0) + 1);
    }
    const paths = [
      "step.confirmed",
      "step.succeeded",
      "step.failed",
      "step.retried",
      "step.interrupted",
      "step.resumed",
      "step.skipped",
      "step.not_applicable",
      "step.needs_confirmation",
      "approval.given",
      "approval.refused",
      "approval.voided",
      "run.abort_requested",
      "compensation.succeeded",
      "compensation.failed",
      "compensation.retried",
      "run.succeeded",
      "run.cancelled",
      "run.refused",
      "run.lock_acquired",
    ];
    for (const path of paths) expect.soft(seen.get(path) ?? 0, path).toBeGreaterThanOrEqual(3);
  });
});

const STARTER = { userId: "starter", role: "lead" } as const;
const LEAD_A = { userId: "lead-a", role: "lead" } as const;
const LEAD_B = { userId: "lead-b", role: "lead" } as const;
const RESPONDER = { userId: "resp-a", role: "responder" } as const;

/** A hand-driven run, for the tricky paths. */
class Example {
  definition;
  run: MachineRun;
  effects: Effect[] = [];
  now = T0;

  constructor(steps: unknown[]) {
    this.definition = runbookDefinition.parse({
      id: "example",
      title: "Example",
      summary: "A hand-written runbook.",
      risk: "high",
      steps,
    });
    this.run = initialRun({
      definition: this.definition,
      runbookVersionId: "version-1",
      inputs: {},
      inputsHash: "inputs",
      startedBy: STARTER.userId,
      waitingForLock: false,
    });
    this.ok({ type: "start" });
  }

  ok(command: Command) {
    const result = transition({ definition: this.definition, now: this.now }, this.run, command);
    if (!result.ok) throw new Error(`${command.type} was refused: ${result.refusal.message}`);
    this.run = result.run;
    this.effects = result.effects;
    return this;
  }

  refused(command: Command) {
    const result = transition({ definition: this.definition, now: this.now }, this.run, command);
    if (result.ok) throw new Error(`${command.type} was accepted`);
    return result.refusal;
  }

  step(id: string) {
    return this.run.steps.find((s) => s.id === id)!;
  }

  enqueued() {
    return this.effects.filter((e) => e.type === "enqueue");
  }
}

const approvalThenApply = (extra: Record<string, unknown> = {}) => [
  { id: "approve", kind: "approval", title: "Approve", ...extra },
  {
    id: "apply",
    kind: "action",
    title: "Apply",
    action: "test.record-effect",
    input: {},
    compensation: { action: "test.undo-effect", input: {} },
  },
];

/** Plans the covered action for the approval and approves it. */
function approved(example: Example, coveredPlan: "plan-a" | "deferred") {
  if (coveredPlan === "deferred")
    example.ok({
      type: "plan_failed",
      stepId: "apply",
      attempt: 1,
      error: "needs earlier output",
      deferred: true,
      forApproval: "approve",
    });
  else example.ok({ type: "plan_ready", stepId: "apply", attempt: 1, planHash: coveredPlan, forApproval: "approve" });
  expect(example.run.status).toBe("waiting_approval");
  return example.ok({
    type: "approve",
    stepId: "approve",
    actor: LEAD_A,
    bindingHash: example.step("approve").bindingHash!,
  });
}

describe("run state machine, tricky paths", () => {
  it("a plan that changed after the approval voids it and re-opens the approval", () => {
    const run = approved(new Example(approvalThenApply()), "plan-a");
    const firstBinding = run.step("approve").bindingHash!;
    expect(run.step("apply").status).toBe("planning");

    run.ok({ type: "plan_ready", stepId: "apply", attempt: 1, planHash: "plan-b" });
    expect(run.run.status).toBe("waiting_approval");
    expect(run.step("approve")).toMatchObject({
      status: "waiting_approval",
      attempt: 2,
      coveredPlans: { apply: "plan-b" },
    });
    expect(run.step("approve").approvals).toEqual([expect.objectContaining({ userId: LEAD_A.userId, voided: true })]);
    expect(run.step("approve").bindingHash).not.toBe(firstBinding);
    expect(run.step("apply").status).toBe("pending");
    expect(run.effects).toContainEqual(expect.objectContaining({ type: "void_approvals", stepId: "approve" }));
    expect(run.refused({ type: "approve", stepId: "approve", actor: LEAD_B, bindingHash: firstBinding })).toMatchObject(
      { code: "CONFLICT", field: "bindingHash" },
    );

    run.ok({ type: "approve", stepId: "approve", actor: LEAD_A, bindingHash: run.step("approve").bindingHash! });
    run.ok({ type: "plan_ready", stepId: "apply", attempt: 1, planHash: "plan-b" });
    expect(run.step("apply").status).toBe("waiting_operator");
    run.ok({ type: "execute", stepId: "apply", actor: RESPONDER });
    expect(run.enqueued()).toEqual([
      expect.objectContaining({ stepId: "apply", phase: "execute", attempt: 1, resumed: false }),
    ]);
  });

  it("a covered plan that was deferred does not void the approval when the real plan arrives", () => {
    const run = approved(new Example(approvalThenApply()), "deferred");
    expect(run.step("approve").coveredPlans).toEqual({ apply: "deferred" });
    run.ok({ type: "plan_ready", stepId: "apply", attempt: 1, planHash: "plan-x" });
    expect(run.effects.some((e) => e.type === "void_approvals")).toBe(false);
    expect(run.step("approve")).toMatchObject({ status: "succeeded", attempt: 1 });
    expect(run.step("approve").approvals[0]!.voided).toBe(false);
    expect(run.step("apply")).toMatchObject({ status: "waiting_operator", planHash: "plan-x" });
    run.ok({ type: "execute", stepId: "apply", actor: RESPONDER });
    expect(run.step("apply").status).toBe("queued");
  });

  it("an approval that expired while the action waited re-opens at execute time", () => {
    const run = approved(new Example(approvalThenApply({ expiresIn: "15m" })), "plan-a");
    run.ok({ type: "plan_ready", stepId: "apply", attempt: 1, planHash: "plan-a" });
    expect(run.step("apply").status).toBe("waiting_operator");

    run.now = T0 + 16 * 60_000;
    run.ok({ type: "execute", stepId: "apply", actor: RESPONDER });
    expect(run.enqueued()).toEqual([]);
    expect(run.run.status).toBe("waiting_approval");
    expect(run.step("approve")).toMatchObject({ status: "waiting_approval", attempt: 2 });
    expect(run.step("approve").approvals[0]!.voided).toBe(true);
    expect(run.step("apply").status).toBe("pending");

    run.ok({ type: "approve", stepId: "approve", actor: LEAD_A, bindingHash: run.step("approve").bindingHash! });
    run.ok({ type: "plan_ready", stepId: "apply", attempt: 1, planHash: "plan-a" });
    run.ok({ type: "execute", stepId: "apply", actor: RESPONDER });
    expect(run.enqueued()).toEqual([expect.objectContaining({ stepId: "apply", phase: "execute" })]);
  });

  it("retrying a failed action re-plans it with a new attempt", () => {
    const run = new Example(approvalThenApply().slice(1));
    run.ok({ type: "plan_ready", stepId: "apply", attempt: 1, planHash: "plan-a" });
    run.ok({ type: "execute", stepId: "apply", actor: RESPONDER });
    run.ok({ type: "job_started", stepId: "apply", attempt: 1, phase: "execute" });
    run.ok({ type: "job_finished", stepId: "apply", attempt: 1, phase: "execute", ok: false, error: "boom" });
    expect(run.run.status).toBe("failed");

    run.ok({ type: "retry", stepId: "apply", actor: RESPONDER });
    expect(run.step("apply")).toMatchObject({ status: "planning", attempt: 2, planHash: null });
    expect(run.enqueued()).toEqual([{ type: "enqueue", stepId: "apply", attempt: 2, phase: "plan", resumed: false }]);
    expect(run.refused({ type: "plan_ready", stepId: "apply", attempt: 1, planHash: "plan-a" })).toMatchObject({
      code: "CONFLICT",
    });
    run.ok({ type: "plan_ready", stepId: "apply", attempt: 2, planHash: "plan-a" });
    run.ok({ type: "execute", stepId: "apply", actor: RESPONDER });
    expect(run.enqueued()).toEqual([expect.objectContaining({ attempt: 2, phase: "execute", resumed: false })]);
  });

  it("retrying an interrupted execution resumes the same attempt, so the same idempotency key", () => {
    const run = new Example(approvalThenApply().slice(1));
    run.ok({ type: "plan_ready", stepId: "apply", attempt: 1, planHash: "plan-a" });
    run.ok({ type: "execute", stepId: "apply", actor: RESPONDER });
    run.ok({ type: "job_started", stepId: "apply", attempt: 1, phase: "execute" });
    run.ok({ type: "interrupt", stepId: "apply" });
    expect(run.run.status).toBe("interrupted");

    run.ok({ type: "retry", stepId: "apply", actor: RESPONDER });
    expect(run.step("apply")).toMatchObject({ status: "queued", attempt: 1 });
    expect(run.enqueued()).toEqual([{ type: "enqueue", stepId: "apply", attempt: 1, phase: "execute", resumed: true }]);
    // The worker that was thought dead reports late: too late, the step is being resumed.
    expect(
      run.refused({ type: "job_finished", stepId: "apply", attempt: 1, phase: "execute", ok: true }),
    ).toMatchObject({ code: "CONFLICT" });
    run.ok({ type: "job_started", stepId: "apply", attempt: 1, phase: "execute" });
    run.ok({ type: "job_finished", stepId: "apply", attempt: 1, phase: "execute", ok: true });
    expect(run.run.status).toBe("succeeded");
  });

  it("an execution interrupted during an abort can be resumed (then is compensated) or skipped, so the abort ends", () => {
    for (const decision of ["retry", "skip"] as const) {
      const run = new Example(approvalThenApply().slice(1));
      run.ok({ type: "plan_ready", stepId: "apply", attempt: 1, planHash: "plan-a" });
      run.ok({ type: "execute", stepId: "apply", actor: RESPONDER });
      run.ok({ type: "job_started", stepId: "apply", attempt: 1, phase: "execute" });
      run.ok({ type: "abort", actor: STARTER, reason: "wrong service" });
      expect(run.run.status).toBe("aborting");
      run.ok({ type: "interrupt", stepId: "apply" });
      expect(run.run.status).toBe("interrupted");

      if (decision === "skip") {
        expect(run.refused({ type: "skip", stepId: "apply", actor: RESPONDER, reason: "gave up on it" })).toMatchObject(
          { code: "FORBIDDEN" },
        );
        run.ok({ type: "skip", stepId: "apply", actor: LEAD_A, reason: "gave up on it" });
        expect(run.run.status).toBe("cancelled");
        continue;
      }
      run.ok({ type: "retry", stepId: "apply", actor: RESPONDER });
      expect(run.enqueued()).toEqual([
        { type: "enqueue", stepId: "apply", attempt: 1, phase: "execute", resumed: true },
      ]);
      expect(run.run.status).toBe("aborting");
      run.ok({ type: "job_started", stepId: "apply", attempt: 1, phase: "execute" });
      run.ok({ type: "job_finished", stepId: "apply", attempt: 1, phase: "execute", ok: true });
      expect(run.step("apply").status).toBe("compensating");
      run.ok({ type: "job_started", stepId: "apply", attempt: 1, phase: "compensate" });
      run.ok({ type: "job_finished", stepId: "apply", attempt: 1, phase: "compensate", ok: true });
      expect(run.run.status).toBe("cancelled");
      expect(run.step("apply").status).toBe("compensated");
    }
  });

  it("an abort does not drop an execution that started and lost its worker: its effect may have happened", () => {
    // Queued to resume when the abort comes: it runs, then is compensated.
    const resuming = new Example(approvalThenApply().slice(1));
    resuming.ok({ type: "plan_ready", stepId: "apply", attempt: 1, planHash: "plan-a" });
    resuming.ok({ type: "execute", stepId: "apply", actor: RESPONDER });
    resuming.ok({ type: "job_started", stepId: "apply", attempt: 1, phase: "execute" });
    resuming.ok({ type: "interrupt", stepId: "apply" });
    resuming.ok({ type: "retry", stepId: "apply", actor: RESPONDER });
    resuming.ok({ type: "abort", actor: STARTER, reason: "wrong service" });
    expect(resuming.run.status).toBe("aborting");
    expect(resuming.step("apply").status).toBe("queued");
    resuming.ok({ type: "job_started", stepId: "apply", attempt: 1, phase: "execute" });
    resuming.ok({ type: "job_finished", stepId: "apply", attempt: 1, phase: "execute", ok: true });
    expect(resuming.step("apply").status).toBe("compensating");

    // Interrupted when the abort comes: a person resumes it (or skips it).
    const run = new Example(approvalThenApply().slice(1));
    run.ok({ type: "plan_ready", stepId: "apply", attempt: 1, planHash: "plan-a" });
    run.ok({ type: "execute", stepId: "apply", actor: RESPONDER });
    run.ok({ type: "job_started", stepId: "apply", attempt: 1, phase: "execute" });
    run.ok({ type: "interrupt", stepId: "apply" });
    run.ok({ type: "abort", actor: STARTER, reason: "wrong service" });
    expect(run.run.status).toBe("interrupted");
    expect(run.step("apply")).toMatchObject({ status: "interrupted", activeJob: { phase: "execute", attempt: 1 } });

    run.ok({ type: "retry", stepId: "apply", actor: RESPONDER });
    expect(run.enqueued()).toEqual([{ type: "enqueue", stepId: "apply", attempt: 1, phase: "execute", resumed: true }]);
    run.ok({ type: "job_started", stepId: "apply", attempt: 1, phase: "execute" });
    run.ok({ type: "job_finished", stepId: "apply", attempt: 1, phase: "execute", ok: true });
    expect(run.enqueued()).toEqual([
      { type: "enqueue", stepId: "apply", attempt: 1, phase: "compensate", resumed: false },
    ]);
  });

  it("someone whose approval expired before enough others approved may approve again", () => {
    const run = new Example([
      { id: "approve", kind: "approval", title: "Two leads", approvals: 2, expiresIn: "15m" },
      { id: "note", kind: "manual", title: "Note", instructions: "Write it down." },
    ]);
    run.ok({ type: "approve", stepId: "approve", actor: LEAD_A, bindingHash: run.step("approve").bindingHash! });
    run.now = T0 + 16 * 60_000;
    run.ok({ type: "approve", stepId: "approve", actor: LEAD_B, bindingHash: run.step("approve").bindingHash! });
    expect(run.step("approve").status).toBe("waiting_approval"); // the first approval has expired
    expect(
      run.refused({ type: "approve", stepId: "approve", actor: LEAD_B, bindingHash: run.step("approve").bindingHash! }),
    ).toMatchObject({ code: "CONFLICT" });
    run.ok({ type: "approve", stepId: "approve", actor: LEAD_A, bindingHash: run.step("approve").bindingHash! });
    expect(run.step("approve").status).toBe("succeeded");
  });

  it("a refusal of an approval re-opened after some of its actions ran ends the run refused; what ran without an undo stays", () => {
    const action = (id: string) => ({ id, kind: "action", title: id, action: "test.record-effect", input: {} });
    const run = new Example([{ id: "approve", kind: "approval", title: "Approve" }, action("first"), action("second")]);
    run.ok({ type: "plan_ready", stepId: "first", attempt: 1, planHash: "first-a", forApproval: "approve" });
    run.ok({ type: "plan_ready", stepId: "second", attempt: 1, planHash: "second-a", forApproval: "approve" });
    run.ok({ type: "approve", stepId: "approve", actor: LEAD_A, bindingHash: run.step("approve").bindingHash! });
    run.ok({ type: "plan_ready", stepId: "first", attempt: 1, planHash: "first-a" });
    run.ok({ type: "execute", stepId: "first", actor: RESPONDER });
    run.ok({ type: "job_started", stepId: "first", attempt: 1, phase: "execute" });
    run.ok({ type: "job_finished", stepId: "first", attempt: 1, phase: "execute", ok: true });
    run.ok({ type: "plan_ready", stepId: "second", attempt: 1, planHash: "second-b" }); // changed: the approval re-opens
    run.ok({
      type: "refuse",
      stepId: "approve",
      actor: LEAD_A,
      bindingHash: run.step("approve").bindingHash!,
      comment: "not that",
    });

    expect(run.run.status).toBe("refused");
    expect(run.step("approve").status).toBe("refused");
    expect(run.step("first")).toMatchObject({ status: "succeeded", planHash: "first-a" });
    expect(run.effects).toContainEqual({ type: "release_locks" });
    expect(run.effects).toContainEqual(expect.objectContaining({ type: "audit", eventType: "run.refused" }));
    expect(run.refused({ type: "retry", stepId: "approve", actor: RESPONDER })).toMatchObject({ code: "CONFLICT" });
  });

  it("a refused approval undoes what already ran, newest first, then ends the run refused (not failed, not cancelled)", () => {
    const undoable = {
      id: "prepare",
      kind: "action",
      title: "Prepare",
      action: "test.record-effect",
      input: {},
      compensation: { action: "test.undo-effect", input: {} },
    };
    const run = new Example([undoable, ...approvalThenApply()]);
    run.ok({ type: "plan_ready", stepId: "prepare", attempt: 1, planHash: "prepare-a" });
    run.ok({ type: "execute", stepId: "prepare", actor: RESPONDER });
    run.ok({ type: "job_started", stepId: "prepare", attempt: 1, phase: "execute" });
    run.ok({ type: "job_finished", stepId: "prepare", attempt: 1, phase: "execute", ok: true });
    run.ok({ type: "plan_ready", stepId: "apply", attempt: 1, planHash: "plan-a", forApproval: "approve" });
    run.ok({
      type: "refuse",
      stepId: "approve",
      actor: LEAD_A,
      bindingHash: run.step("approve").bindingHash!,
      comment: "wrong service",
    });

    expect(run.run).toMatchObject({ status: "aborting", aborting: true });
    expect(run.enqueued()).toEqual([
      { type: "enqueue", stepId: "prepare", attempt: 1, phase: "compensate", resumed: false },
    ]);
    run.ok({ type: "job_started", stepId: "prepare", attempt: 1, phase: "compensate" });
    run.ok({ type: "job_finished", stepId: "prepare", attempt: 1, phase: "compensate", ok: true });
    expect(run.run.status).toBe("refused");
    expect(run.step("prepare").status).toBe("compensated");
    expect(run.step("apply").status).toBe("pending");
  });

  it("a check that passed without verifying anything waits for a person's evidence instead of turning green", () => {
    const run = new Example([
      { id: "probe", kind: "check", title: "Every service accepts it", check: "test.flag", input: {} },
      { id: "tell", kind: "manual", title: "Tell the team", instructions: "Post in the channel." },
    ]);
    run.ok({ type: "job_started", stepId: "probe", attempt: 1, phase: "check" });
    run.ok({
      type: "job_finished",
      stepId: "probe",
      attempt: 1,
      phase: "check",
      ok: true,
      output: { summary: "no probe", confirmByHand: "No consumer has a probe." },
    });
    expect(run.step("probe").status).toBe("waiting_operator");
    expect(run.run.status).toBe("waiting_operator");
    expect(run.effects).toContainEqual(
      expect.objectContaining({
        type: "audit",
        eventType: "step.needs_confirmation",
        meta: { attempt: 1, reason: "No consumer has a probe." },
      }),
    );
    expect(run.refused({ type: "confirm", stepId: "probe", actor: RESPONDER, evidence: null })).toMatchObject({
      code: "BAD_REQUEST",
      field: "note",
      message: "Say what you checked by hand: add a note or a link.",
    });
    run.ok({
      type: "confirm",
      stepId: "probe",
      actor: RESPONDER,
      evidence: { note: "curl with the new key answered 200" },
    });
    expect(run.step("probe")).toMatchObject({
      status: "succeeded",
      output: {
        summary: "no probe",
        confirmByHand: "No consumer has a probe.",
        confirmedByHand: { note: "curl with the new key answered 200" },
      },
    });
    expect(run.step("tell").status).toBe("waiting_operator");
  });

  it("an approval that an action after it still needs cannot be skipped; one that covers no action can", () => {
    const needed = new Example(approvalThenApply());
    needed.ok({ type: "plan_ready", stepId: "apply", attempt: 1, planHash: "plan-a", forApproval: "approve" });
    expect(needed.refused({ type: "skip", stepId: "approve", actor: LEAD_A, reason: "no lead around" })).toMatchObject({
      code: "PRECONDITION_FAILED",
      field: "stepId",
    });
    expect(needed.step("approve").status).toBe("waiting_approval");

    const manualOnly = new Example([
      { id: "approve", kind: "approval", title: "Approve" },
      { id: "tell", kind: "manual", title: "Tell the team", instructions: "Post in the channel." },
    ]);
    manualOnly.ok({ type: "skip", stepId: "approve", actor: LEAD_A, reason: "the team already knows" });
    expect(manualOnly.step("approve").status).toBe("skipped");
    expect(manualOnly.run.status).toBe("waiting_operator");
  });
});

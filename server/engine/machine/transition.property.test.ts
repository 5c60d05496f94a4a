import { describe, expect, it } from "vitest";
import { runbookDefinition } from "@/lib/runbooks/definition";
import { initialRun, transition } from "./transition";
import type { Command, Effect, MachineRun } from "./types";

const T0 = Date.UTC(2026, 0, 1, 3, 0, 0);
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
    this.definition = runbookDefinition.parse({ id: "example", title: "Example", summary: "A hand-written runbook.", risk: "high", steps });
    this.run = initialRun({ definition: this.definition, runbookVersionId: "version-1", inputs: {}, inputsHash: "inputs", startedBy: STARTER.userId, waitingForLock: false });
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
  { id: "apply", kind: "action", title: "Apply", action: "test.record-effect", input: {}, compensation: { action: "test.undo-effect", input: {} } },
];

describe("run state machine, tricky paths", () => {
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
        expect(run.refused({ type: "skip", stepId: "apply", actor: RESPONDER, reason: "gave up on it" })).toMatchObject({ code: "FORBIDDEN" });
        run.ok({ type: "skip", stepId: "apply", actor: LEAD_A, reason: "gave up on it" });
        expect(run.run.status).toBe("cancelled");
        continue;
      }
      run.ok({ type: "retry", stepId: "apply", actor: RESPONDER });
      expect(run.enqueued()).toEqual([{ type: "enqueue", stepId: "apply", attempt: 1, phase: "execute", resumed: true }]);
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
    expect(run.enqueued()).toEqual([{ type: "enqueue", stepId: "apply", attempt: 1, phase: "compensate", resumed: false }]);
  });

  it("someone whose approval expired before enough others approved may approve again", () => {
    const run = new Example([{ id: "approve", kind: "approval", title: "Two leads", approvals: 2, expiresIn: "15m" }, { id: "note", kind: "manual", title: "Note", instructions: "Write it down." }]);
    run.ok({ type: "approve", stepId: "approve", actor: LEAD_A, bindingHash: run.step("approve").bindingHash! });
    run.now = T0 + 16 * 60_000;
    run.ok({ type: "approve", stepId: "approve", actor: LEAD_B, bindingHash: run.step("approve").bindingHash! });
    expect(run.step("approve").status).toBe("waiting_approval"); // the first approval has expired
    expect(run.refused({ type: "approve", stepId: "approve", actor: LEAD_B, bindingHash: run.step("approve").bindingHash! })).toMatchObject({ code: "CONFLICT" });
    run.ok({ type: "approve", stepId: "approve", actor: LEAD_A, bindingHash: run.step("approve").bindingHash! });
    expect(run.step("approve").status).toBe("succeeded");
  });

  it("asking an approval again after some of its actions ran re-plans only the actions still to run", () => {
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
    run.ok({ type: "refuse", stepId: "approve", actor: LEAD_A, bindingHash: run.step("approve").bindingHash!, comment: "not that" });

    run.ok({ type: "retry", stepId: "approve", actor: RESPONDER });
    expect(run.enqueued()).toEqual([{ type: "enqueue", stepId: "second", attempt: 3, phase: "plan", resumed: false, forApproval: "approve" }]);
    expect(run.step("approve").coveredPlans).toEqual({ second: null });
    expect(run.refused({ type: "plan_ready", stepId: "first", attempt: 3, planHash: "first-b", forApproval: "approve" })).toMatchObject({ code: "CONFLICT" });
    expect(run.step("first")).toMatchObject({ status: "succeeded", planHash: "first-a" });
  });
});

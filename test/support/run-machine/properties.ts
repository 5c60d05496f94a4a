import { RUN_STATUSES, STEP_STATUSES, type RunStatus, type StepStatus } from "@/db/schema/runs";
import { hasRole, type Role } from "@/lib/roles";
import type { StepDefinition } from "@/lib/runbooks/definition";
import { canonicalJson } from "@/server/audit/canonical-json";
import { bindingHashOf } from "@/server/engine/machine/transition";
import type { Effect, MachineRun, MachineStep } from "@/server/engine/machine/types";
import { conditionIsTrue, isExpired, PEOPLE, type Checker, type Observation, type Simulation } from "./model";

/**
 * The run state machine's properties, written from the rules its comments and DESIGN.md state,
 * not from its code. Each returns a description of what is wrong, or undefined.
 */

const DONE = new Set<StepStatus>(["succeeded", "skipped", "not_applicable"]);
const COMPENSATION = new Set<StepStatus>([
  "compensating",
  "compensated",
  "compensation_failed",
  "compensation_skipped",
]);
/** A step someone or something is working on, or must decide about. */
const BUSY = new Set<StepStatus>([
  "planning",
  "queued",
  "running",
  "compensating",
  "interrupted",
  "compensation_failed",
  "waiting_operator",
  "waiting_approval",
]);
const ALLOWED_BY_KIND: Record<MachineStep["kind"], ReadonlySet<StepStatus>> = {
  manual: new Set(["pending", "waiting_operator", "succeeded", "skipped", "not_applicable"]),
  check: new Set([
    "pending",
    "queued",
    "running",
    "waiting_operator",
    "succeeded",
    "failed",
    "interrupted",
    "skipped",
    "not_applicable",
  ]),
  action: new Set([
    "pending",
    "planning",
    "waiting_operator",
    "queued",
    "running",
    "succeeded",
    "failed",
    "interrupted",
    "skipped",
    "not_applicable",
    ...COMPENSATION,
  ]),
  approval: new Set([
    "pending",
    "planning",
    "waiting_approval",
    "succeeded",
    "failed",
    "refused",
    "skipped",
    "not_applicable",
  ]),
};
const TERMINAL = new Set<RunStatus>(["succeeded", "cancelled", "refused"]);
/** Ended by an abort or a refusal, once every compensation is done. */
const ENDED_EARLY = new Set<RunStatus>(["cancelled", "refused"]);

const roleOf = (userId: string): Role => PEOPLE.find((p) => p.userId === userId)?.role ?? "viewer";
const afterOf = (o: Observation) => (o.result.ok ? o.result.run : null);
const effectsOf = (o: Observation): Effect[] => (o.result.ok ? o.result.effects : []);
const indexOf = (run: MachineRun, id: string) => run.steps.findIndex((s) => s.id === id);

/** What the run's status must be, derived from its steps by the rules in the machine's comments. */
export function expectedRunStatus(run: MachineRun, lockHeld: boolean): RunStatus | string {
  if (run.aborting) {
    // Compensations run one at a time; a failed or interrupted one stops the abort until a person decides.
    if (run.steps.some((s) => s.status === "compensation_failed")) return "failed";
    if (run.steps.some((s) => s.status === "interrupted")) return "interrupted";
    if (run.steps.some((s) => ["running", "queued", "compensating"].includes(s.status))) return "aborting";
    // A refused approval ends the run as refused: a decision, told apart from an abort.
    return run.steps.some((s) => s.status === "refused") ? "refused" : "cancelled";
  }
  if (!lockHeld) return "queued";
  const current = run.steps.find((s) => !DONE.has(s.status));
  if (!current) return "succeeded";
  switch (current.status) {
    case "waiting_operator":
    case "waiting_approval":
    case "failed":
    case "interrupted":
      return current.status;
    case "planning":
    case "queued":
    case "running":
      return "running";
    default:
      return `(no valid run status: the current step ${current.id} is ${current.status})`;
  }
}

/** Approvals that count now: approved, not voided, for this attempt and binding, not expired; one per person. */
function countingApprovers(step: MachineStep, now: number): Set<string> {
  return new Set(
    step.approvals
      .filter(
        (a) =>
          a.decision === "approved" &&
          !a.voided &&
          a.attempt === step.attempt &&
          a.bindingHash === step.bindingHash &&
          !isExpired(a, now),
      )
      .map((a) => a.userId),
  );
}

function validState(run: MachineRun, sim: Simulation): string | undefined {
  if (!(RUN_STATUSES as readonly string[]).includes(run.status)) return `unknown run status ${run.status}`;
  for (const [i, step] of run.steps.entries()) {
    const definition = sim.definition.steps[i]!;
    if (!(STEP_STATUSES as readonly string[]).includes(step.status))
      return `unknown step status ${step.status} on ${step.id}`;
    if (!ALLOWED_BY_KIND[step.kind].has(step.status))
      return `a ${step.kind} step cannot be ${step.status} (${step.id})`;
    if (COMPENSATION.has(step.status) && !definition.compensation)
      return `${step.id} has no compensation but is ${step.status}`;
    if (COMPENSATION.has(step.status) && !run.aborting)
      return `${step.id} is ${step.status} in a run that is not being aborted`;
    const expectedPhase = step.kind === "check" ? "check" : "execute";
    if (
      step.status === "running" &&
      (step.activeJob?.phase !== expectedPhase || step.activeJob.attempt !== step.attempt)
    )
      return `${step.id} is running without its ${expectedPhase} job ${JSON.stringify(step.activeJob)}`;
    if (
      step.status === "compensating" &&
      step.activeJob &&
      (step.activeJob.phase !== "compensate" || step.activeJob.attempt !== step.compensationAttempt)
    )
      return `${step.id} compensates with job ${JSON.stringify(step.activeJob)}`;
    if (step.status === "interrupted") {
      const job = step.activeJob;
      if (!job) return `${step.id} is interrupted but no job is recorded`;
      if (job.attempt !== (job.phase === "compensate" ? step.compensationAttempt : step.attempt))
        return `${step.id} is interrupted with a job of another attempt`;
    }
    // A queued step keeps the job of an attempt it resumes (that attempt started before).
    if (
      step.status === "queued" &&
      step.activeJob &&
      (step.activeJob.phase !== expectedPhase || step.activeJob.attempt !== step.attempt)
    )
      return `${step.id} resumes another job ${JSON.stringify(step.activeJob)}`;
    if (!["running", "compensating", "interrupted", "queued"].includes(step.status) && step.activeJob)
      return `${step.id} is ${step.status} with an active job`;
    const applies = conditionIsTrue(definition.when, sim.inputs);
    if (step.status === "not_applicable" && applies) return `${step.id} is not_applicable though its condition holds`;
    if (!applies && !["pending", "not_applicable", "skipped"].includes(step.status))
      return `${step.id} is ${step.status} though its condition is false`;
  }
  const busy = run.steps.filter((s) => BUSY.has(s.status));
  if (busy.length > 1) return `more than one step is in flight: ${busy.map((s) => `${s.id}:${s.status}`).join(", ")}`;
  if (run.steps.filter((s) => s.status === "failed").length > 1) return "more than one step has failed";

  const expected = expectedRunStatus(run, sim.lockHeld);
  if (run.status !== expected) return `run status is ${run.status}, its steps say ${expected}`;

  if (run.status === "queued" && run.steps.some((s) => s.status !== "pending"))
    return "a run waiting for its lock has started a step";
  if (run.status === "succeeded" && run.steps.some((s) => !DONE.has(s.status)))
    return "a succeeded run has a step that is not done";
  if (ENDED_EARLY.has(run.status)) {
    const left = run.steps.find(
      (s, i) => BUSY.has(s.status) || (s.status === "succeeded" && sim.definition.steps[i]!.compensation),
    );
    if (left) return `a ${run.status} run still has ${left.id} ${left.status}`;
  }
  if (run.steps.filter((s) => s.status === "refused").length > 1) return "more than one approval was refused";
  if (run.steps.some((s) => s.status === "refused") && !run.aborting)
    return "an approval was refused but the run goes on";
  if (run.aborting) {
    const started = run.steps.find((s) => ["planning", "waiting_operator", "waiting_approval"].includes(s.status));
    if (started) return `${started.id} is ${started.status} while the run is being aborted`;
    return undefined;
  }
  if (run.status === "queued" || run.status === "succeeded") return undefined;
  const current = run.steps.findIndex((s) => !DONE.has(s.status));
  // After the current step: steps not started yet; only an approval re-opened after later steps ran may have done steps after it.
  let seenPending = false;
  for (let i = current + 1; i < run.steps.length; i++) {
    const step = run.steps[i]!;
    if (step.status === "pending") {
      seenPending = true;
      continue;
    }
    const reopened = run.steps[current]!.kind === "approval" && run.steps[current]!.attempt > 1;
    if (!DONE.has(step.status) || seenPending || !reopened)
      return `${step.id} is ${step.status} after the current step ${run.steps[current]!.id}`;
  }
  return undefined;
}

export const stateIsValid: Checker = {
  name: "every accepted command leaves a valid state",
  afterCommand(o) {
    const after = afterOf(o);
    return after ? validState(after, o.sim) : undefined;
  },
};

export const terminalRunsAreFinal: Checker = {
  name: "an ended run refuses every command",
  afterCommand(o) {
    if (TERMINAL.has(o.before.status) && o.result.ok)
      return `${o.command.type} was accepted by a ${o.before.status} run`;
    return undefined;
  },
};

/** Commands the rules say must be refused, whatever else is going on. */
function mustRefuse(o: Observation): string | undefined {
  const { before, command, sim } = o;
  if (command.type === "start" || command.type === "lock_acquired") return undefined;
  if (before.status === "queued" && command.type !== "abort") return "the run waits for its lock";
  if (command.type === "abort") {
    if (before.aborting) return "the run is already being aborted";
    if (command.actor.userId !== before.startedBy && !hasRole(command.actor.role, "lead"))
      return "only the starter or a lead may abort";
    if (command.reason.trim().length < 3) return "an abort needs a reason";
    return undefined;
  }
  const index = indexOf(before, command.stepId);
  if (index < 0) return "there is no such step";
  const step = before.steps[index]!;
  const definition = sim.definition.steps[index]!;
  const current = before.steps.findIndex((s) => !DONE.has(s.status) && !COMPENSATION.has(s.status));
  const notCurrent = before.aborting || current !== index;
  switch (command.type) {
    case "confirm":
      if (!hasRole(command.actor.role, "responder")) return "confirming needs a responder";
      if (notCurrent) return "not the current step";
      if ((step.kind !== "manual" && step.kind !== "check") || step.status !== "waiting_operator")
        return "not a manual step or an unverified check waiting for confirmation";
      if (
        (definition.kind === "check" || (definition.kind === "manual" && definition.evidence === "required")) &&
        !command.evidence?.note?.trim() &&
        !command.evidence?.link?.trim()
      )
        return "evidence is required";
      return undefined;
    case "execute":
      if (!hasRole(command.actor.role, "responder")) return "executing needs a responder";
      if (notCurrent) return "not the current step";
      if (step.kind !== "action" || step.status !== "waiting_operator") return "not an action whose plan is shown";
      return undefined;
    case "approve":
    case "refuse":
      if (command.actor.userId === before.startedBy) return "the starter decided on their own run";
      if (definition.kind !== "approval") return "not an approval";
      if (!hasRole(command.actor.role, definition.role)) return `deciding needs the ${definition.role} role`;
      if (notCurrent || step.status !== "waiting_approval") return "the approval is not open";
      if (command.bindingHash !== step.bindingHash) return "a stale binding hash";
      if (
        step.approvals.some(
          (a) => a.userId === command.actor.userId && a.attempt === step.attempt && !a.voided && !isExpired(a, o.now),
        )
      )
        return "a second decision by the same person";
      return undefined;
    case "retry":
      if (!hasRole(command.actor.role, "responder")) return "retrying needs a responder";
      if (!before.aborting && notCurrent) return "not the current step";
      if (!["failed", "interrupted", "compensation_failed"].includes(step.status))
        return `a ${step.status} step cannot be retried`;
      return undefined;
    case "skip":
      if (!hasRole(command.actor.role, "lead")) return "skipping needs a lead";
      if (command.reason.trim().length < 3) return "a skip needs a reason";
      if (!before.aborting && notCurrent) return "not the current step";
      if (!before.aborting && step.kind === "approval" && command.actor.userId === before.startedBy)
        return "the starter skipped the approval of their own run";
      if (!before.aborting && step.kind === "approval" && actionsAwaiting(before, sim, index).length > 0)
        return `skipping ${step.id} would let ${actionsAwaiting(before, sim, index).join(", ")} run unapproved`;
      if (["queued", "running", "compensating"].includes(step.status)) return "the step is running";
      return undefined;
    case "job_started":
      if (command.phase === "compensate")
        return step.status !== "compensating" || step.compensationAttempt !== command.attempt || step.activeJob
          ? "no such compensation waits to run"
          : undefined;
      return step.status !== "queued" || step.attempt !== command.attempt ? "no such job waits to run" : undefined;
    case "job_finished":
      return step.activeJob?.phase !== command.phase ||
        step.activeJob.attempt !== command.attempt ||
        !["running", "compensating"].includes(step.status)
        ? "no such job is running"
        : undefined;
    case "plan_ready":
    case "plan_failed": {
      if (command.forApproval) {
        const approval = before.steps.find((s) => s.id === command.forApproval);
        return approval?.status !== "planning" ||
          approval.attempt !== command.attempt ||
          !approval.coveredPlans ||
          !(command.stepId in approval.coveredPlans)
          ? "a plan for an approval that is not being prepared"
          : undefined;
      }
      return step.kind !== "action" || step.status !== "planning" || step.attempt !== command.attempt
        ? "a plan for an attempt that is not current"
        : undefined;
    }
    case "interrupt":
      return step.status !== "running" && !(step.status === "compensating" && step.activeJob)
        ? "the step is not running"
        : undefined;
  }
}

/** Actions an approval stands for that have not run yet (those after it up to the next approval, whose condition holds). */
function actionsAwaiting(run: MachineRun, sim: Simulation, approvalIndex: number): string[] {
  const ids: string[] = [];
  for (let i = approvalIndex + 1; i < run.steps.length; i++) {
    const definition = sim.definition.steps[i]!;
    if (definition.kind === "approval") break;
    if (
      definition.kind === "action" &&
      run.steps[i]!.status === "pending" &&
      conditionIsTrue(definition.when, sim.inputs)
    )
      ids.push(definition.id);
  }
  return ids;
}

/** The people's commands the rules plainly allow: the current step, the right person, nothing stale. */
function mustAccept(o: Observation): boolean {
  const { before, command, sim } = o;
  if (TERMINAL.has(before.status) || before.status === "queued" || before.aborting || !("stepId" in command))
    return false;
  const index = indexOf(before, command.stepId);
  if (index < 0 || index !== before.steps.findIndex((s) => !DONE.has(s.status))) return false;
  const step = before.steps[index]!;
  const definition = sim.definition.steps[index]!;
  switch (command.type) {
    case "confirm":
      if (definition.kind === "check")
        return (
          step.status === "waiting_operator" &&
          hasRole(command.actor.role, "responder") &&
          Boolean(command.evidence?.note?.trim())
        );
      return (
        definition.kind === "manual" &&
        step.status === "waiting_operator" &&
        hasRole(command.actor.role, "responder") &&
        (definition.evidence !== "required" || Boolean(command.evidence?.note?.trim()))
      );
    case "execute":
      return step.kind === "action" && step.status === "waiting_operator" && hasRole(command.actor.role, "responder");
    case "approve":
    case "refuse":
      return (
        definition.kind === "approval" &&
        step.status === "waiting_approval" &&
        command.actor.userId !== before.startedBy &&
        hasRole(command.actor.role, definition.role) &&
        command.bindingHash === step.bindingHash &&
        // Someone whose approval lapsed has no decision that counts: they may decide again.
        !step.approvals.some(
          (a) => a.userId === command.actor.userId && a.attempt === step.attempt && !a.voided && !isExpired(a, o.now),
        )
      );
    default:
      return false;
  }
}

export const commandsFollowTheRules: Checker = {
  name: "commands the rules forbid are refused, those they plainly allow are accepted, and a refusal changes nothing",
  afterCommand(o) {
    if (!o.result.ok) {
      const { code, message } = o.result.refusal;
      if (!["BAD_REQUEST", "FORBIDDEN", "CONFLICT", "PRECONDITION_FAILED"].includes(code) || message.trim() === "")
        return `a refusal without a code or message: ${code} ${message}`;
      if ("run" in o.result) return "a refusal carried a run";
      if (mustAccept(o))
        return `${o.command.type} on ${"stepId" in o.command ? o.command.stepId : "the run"} was refused (${message}) though the rules allow it`;
      return undefined;
    }
    const reason = TERMINAL.has(o.before.status) ? undefined : mustRefuse(o);
    return reason
      ? `${o.command.type} on ${"stepId" in o.command ? o.command.stepId : "the run"} was accepted though ${reason}`
      : undefined;
  },
};

/** What a job or plan reports decides how its step ends; nothing else ends a step that way. */
export const resultsDecideOutcomes: Checker = {
  name: "job and plan results decide step outcomes",
  afterCommand(o) {
    const after = afterOf(o);
    if (!after) return undefined;
    const { command, sim } = o;
    if (command.type === "job_finished") {
      const index = indexOf(after, command.stepId);
      const definition = sim.definition.steps[index]!;
      const step = after.steps[index]!;
      if (command.phase === "compensate")
        return step.status === (command.ok ? "compensated" : "compensation_failed")
          ? undefined
          : `a compensation that reported ok=${command.ok} left ${step.id} ${step.status}`;
      const passed = definition.kind === "check" && definition.expect === "fail" ? !command.ok : command.ok;
      // A check that verified nothing waits for a person instead of turning green.
      const unverified = typeof command.output?.confirmByHand === "string";
      if (passed && definition.kind === "check" && unverified) {
        const expected = o.before.aborting ? "skipped" : "waiting_operator";
        return step.status === expected
          ? undefined
          : `${step.id} passed without verifying anything and is ${step.status}, not ${expected}`;
      }
      // During an abort, a step that just succeeded may go straight on to be compensated.
      const succeeded = step.status === "succeeded" || (after.aborting && step.status === "compensating");
      if (passed ? !succeeded : step.status !== "failed")
        return `${step.id} reported ok=${command.ok} (expect ${definition.kind === "check" ? definition.expect : "ok"}) and is ${step.status}`;
    }
    if (command.type === "refuse") {
      const refused = after.steps.find((s) => s.id === command.stepId)!;
      if (refused.status !== "refused" || !after.aborting)
        return `a refusal left ${refused.id} ${refused.status} and the run ${after.aborting ? "aborting" : "going on"}`;
    }
    if (command.type === "plan_failed" && (!command.deferred || !command.forApproval)) {
      const failed = after.steps.find((s) => s.id === (command.forApproval ?? command.stepId))!;
      if (failed.status !== "failed") return `a failed plan left ${failed.id} ${failed.status}`;
    }
    for (const [i, step] of after.steps.entries()) {
      const was = o.before.steps[i]!;
      if (was.status === step.status) continue;
      const byJob = command.type === "job_finished" && command.stepId === step.id;
      if (step.status === "refused" && command.type !== "refuse") return `${step.id} became refused on ${command.type}`;
      if (
        (step.status === "failed" && !byJob && command.type !== "plan_failed") ||
        ((step.status === "compensated" || step.status === "compensation_failed") && !byJob)
      ) {
        return `${step.id} became ${step.status} on ${command.type}`;
      }
      if (
        step.status === "succeeded" &&
        step.kind !== "approval" &&
        !byJob &&
        !((step.kind === "manual" || step.kind === "check") && command.type === "confirm")
      )
        return `${step.id} succeeded on ${command.type}`;
      if (
        step.status === "succeeded" &&
        step.kind === "check" &&
        command.type === "confirm" &&
        was.status !== "waiting_operator"
      )
        return `${step.id} was confirmed from ${was.status}`;
    }
    return undefined;
  },
};

export const doneStepsStayDone: Checker = {
  name: "a done step never changes, except to be compensated or its approval re-opened",
  afterCommand(o) {
    const after = afterOf(o);
    if (!after) return undefined;
    for (const [i, was] of o.before.steps.entries()) {
      if (!DONE.has(was.status)) continue;
      const now = after.steps[i]!;
      if (sameValue(was, now)) continue;
      if (
        after.aborting &&
        was.status === "succeeded" &&
        now.status === "compensating" &&
        now.compensationAttempt === was.compensationAttempt + 1
      )
        continue;
      const reopened =
        was.kind === "approval" &&
        was.status === "succeeded" &&
        now.status === "waiting_approval" &&
        now.attempt === was.attempt + 1 &&
        (o.command.type === "execute" || (o.command.type === "plan_ready" && !o.command.forApproval));
      if (reopened) continue;
      return `${was.id} was ${was.status} and changed on ${o.command.type}: ${JSON.stringify(diff(was, now))}`;
    }
    return undefined;
  },
};

function diff(a: MachineStep, b: MachineStep) {
  return Object.fromEntries(
    Object.keys(a)
      .filter((k) => !sameValue(a[k as keyof MachineStep], b[k as keyof MachineStep]))
      .map((k) => [k, { from: a[k as keyof MachineStep], to: b[k as keyof MachineStep] }]),
  );
}

function sameValue(a: unknown, b: unknown) {
  return canonicalJson(a) === canonicalJson(b);
}

export const actionEffectsHappenOnce: Checker = {
  name: "an action's effect happens at most once, and exactly once for an action that succeeded",
  afterCommand(o) {
    for (const [id, count] of o.sim.executed) if (count > 1) return `the effect of ${id} happened ${count} times`;
    for (const [id, count] of o.sim.compensated)
      if (count > 1) return `the compensation of ${id} happened ${count} times`;
    const after = afterOf(o);
    if (!after) return undefined;
    for (const effect of effectsOf(o)) {
      if (effect.type !== "enqueue" || effect.phase !== "execute") continue;
      const i = indexOf(o.before, effect.stepId);
      const was = o.before.steps[i]!;
      if (!effect.resumed) {
        if (o.command.type !== "execute" || o.command.stepId !== effect.stepId)
          return `an execution of ${effect.stepId} was queued by ${o.command.type}`;
        if (effect.attempt !== was.attempt)
          return `an execution of ${effect.stepId} was queued for attempt ${effect.attempt}, the step is on ${was.attempt}`;
      } else {
        // Resuming: same attempt as the interrupted job, so the same idempotency key.
        if (
          o.command.type !== "retry" ||
          was.status !== "interrupted" ||
          was.activeJob?.phase !== "execute" ||
          was.activeJob.attempt !== effect.attempt
        ) {
          return `a resumed execution of ${effect.stepId} attempt ${effect.attempt} was queued by ${o.command.type} from ${was.status} ${JSON.stringify(was.activeJob)}`;
        }
      }
    }
    for (const [i, step] of after.steps.entries()) {
      if (step.kind !== "action") continue;
      const settled = step.status === "succeeded" || COMPENSATION.has(step.status);
      const changed = o.before.steps[i]!.status !== step.status;
      if (settled && changed && (o.sim.executed.get(step.id) ?? 0) !== 1)
        return `${step.id} is ${step.status} but its effect happened ${o.sim.executed.get(step.id) ?? 0} times`;
    }
    return undefined;
  },
  atEnd(sim) {
    if (sim.run.status !== "succeeded") return undefined;
    const wrong = sim.run.steps.find(
      (s) => s.kind === "action" && s.status === "succeeded" && sim.executed.get(s.id) !== 1,
    );
    return wrong
      ? `the run succeeded but the effect of ${wrong.id} happened ${sim.executed.get(wrong.id) ?? 0} times`
      : undefined;
  },
};

/** The approval that covers an action: the nearest approval before it, unless its condition made it not applicable. */
function coveringApproval(run: MachineRun, sim: Simulation, index: number): number | null {
  for (let i = index - 1; i >= 0; i--) {
    if (sim.definition.steps[i]!.kind === "approval") return run.steps[i]!.status === "not_applicable" ? null : i;
  }
  return null;
}

export const approvalsComeFromOthers: Checker = {
  name: "approvals come from N other people, bound to what they saw",
  afterCommand(o) {
    const after = afterOf(o);
    if (!after) return undefined;
    const { sim, command } = o;
    if (
      (command.type === "approve" || command.type === "refuse") &&
      command.bindingHash !== o.before.steps[indexOf(o.before, command.stepId)]?.bindingHash
    ) {
      return `a decision on ${command.stepId} was taken on a binding that is no longer the approval's (${command.bindingHash.slice(0, 8)})`;
    }
    for (const [i, step] of after.steps.entries()) {
      const was = o.before.steps[i]!;
      for (const [k, decision] of step.approvals.entries()) {
        if (decision.userId === after.startedBy) return `the starter is recorded as deciding on ${step.id}`;
        const definition = sim.definition.steps[i]!;
        if (definition.kind === "approval" && !hasRole(roleOf(decision.userId), definition.role))
          return `${decision.userId} decided on ${step.id} without the ${definition.role} role`;
        const earlier = was.approvals[k];
        if (earlier && !sameValue({ ...earlier, voided: false }, { ...decision, voided: false }))
          return `a recorded decision on ${step.id} was rewritten`;
        if (earlier?.voided && !decision.voided) return `a voided decision on ${step.id} counts again`;
      }
      if (step.approvals.length < was.approvals.length) return `decisions on ${step.id} were deleted`;
      if (step.kind !== "approval") continue;
      const definition = sim.definition.steps[i] as Extract<StepDefinition, { kind: "approval" }>;
      if (step.status === "succeeded" && was.status !== "succeeded") {
        if (command.type !== "approve" || command.stepId !== step.id)
          return `${step.id} became succeeded through ${command.type}`;
        const approvers = countingApprovers(step, o.now);
        if (approvers.size < definition.approvals)
          return `${step.id} succeeded with ${approvers.size} of ${definition.approvals} valid approvals`;
        if (approvers.has(after.startedBy)) return `${step.id} counted the starter's approval`;
        if (command.bindingHash !== step.bindingHash || step.bindingHash !== bindingHashOf(after, step))
          return `${step.id} succeeded on a binding that is not the current one`;
      }
      if (step.status === "skipped" && was.status !== "skipped" && command.type !== "abort") {
        if (
          command.type !== "skip" ||
          command.stepId !== step.id ||
          !hasRole(command.actor.role, "lead") ||
          command.actor.userId === after.startedBy
        )
          return `${step.id} was skipped by ${command.type}`;
      }
      if (step.status === "waiting_approval") {
        if (!step.coveredPlans || Object.values(step.coveredPlans).some((p) => p === null))
          return `${step.id} opened before every covered plan was known`;
        if (step.bindingHash !== bindingHashOf(after, step))
          return `${step.id} is bound to ${step.bindingHash}, not to its covered plans`;
        const meaning = canonicalJson({ step: step.id, plans: step.coveredPlans });
        const seen = sim.bindings.get(step.bindingHash);
        if (seen && seen !== meaning) return `one binding hash means two things: ${seen} and ${meaning}`;
        sim.bindings.set(step.bindingHash, meaning);
      }
    }
    // Approvals are voided only when what they stand for changed: a plan that is not the approved
    // one (a deferred plan was approved sight unseen), or approvals that lapsed before execution.
    for (const effect of effectsOf(o)) {
      if (effect.type !== "void_approvals") continue;
      const index = indexOf(o.before, effect.stepId);
      const approval = o.before.steps[index]!;
      const definition = sim.definition.steps[index] as Extract<StepDefinition, { kind: "approval" }>;
      if (command.type === "plan_ready" && !command.forApproval) {
        const approved = approval.coveredPlans?.[command.stepId];
        if (approved === "deferred" || approved === command.planHash)
          return `${approval.id} was voided by a plan of ${command.stepId} it had approved (${String(approved).slice(0, 8)})`;
      } else if (command.type === "execute") {
        if (countingApprovers(approval, o.now).size >= definition.approvals)
          return `${approval.id} was voided at execution though its approvals still stand`;
      } else return `${approval.id} was voided by ${command.type}`;
    }
    // An approval asks for the plans of actions still to run, never of ones that already ran.
    for (const effect of effectsOf(o)) {
      if (effect.type !== "enqueue" || !effect.forApproval) continue;
      const covered = after.steps[indexOf(after, effect.stepId)]!;
      if (covered.status !== "pending")
        return `${effect.forApproval} asks for the plan of ${covered.id}, which is ${covered.status}`;
    }
    // Nothing covered by an approval runs unless the approval stands for the very plan shown.
    for (const effect of effectsOf(o)) {
      if (effect.type !== "enqueue" || effect.phase !== "execute" || effect.resumed) continue;
      const index = indexOf(after, effect.stepId);
      const action = after.steps[index]!;
      if (!action.planHash) return `${action.id} runs without a plan`;
      const covering = coveringApproval(after, sim, index);
      if (covering === null) continue;
      const approval = after.steps[covering]!;
      if (approval.status === "skipped") continue;
      if (approval.status !== "succeeded")
        return `${action.id} runs while its approval ${approval.id} is ${approval.status}`;
      const approved = approval.coveredPlans?.[action.id];
      if (approved !== action.planHash && approved !== "deferred")
        return `${action.id} runs plan ${action.planHash?.slice(0, 8)} but ${approval.id} approved ${String(approved).slice(0, 8)}`;
      const definition = sim.definition.steps[covering] as Extract<StepDefinition, { kind: "approval" }>;
      const approvers = countingApprovers(approval, o.now);
      if (approvers.size < definition.approvals)
        return `${action.id} runs with ${approvers.size} of ${definition.approvals} approvals still valid`;
    }
    return undefined;
  },
};

export const abortCompensatesNewestFirst: Checker = {
  name: "an abort compensates completed steps newest first, then cancels",
  afterCommand(o) {
    const after = afterOf(o);
    if (!after) return undefined;
    const { sim } = o;
    if (after.aborting) {
      for (const effect of effectsOf(o)) {
        if (effect.type === "enqueue" && effect.phase !== "compensate" && !effect.resumed)
          return `new work (${effect.phase} of ${effect.stepId}) started while the run is being aborted`;
      }
    }
    for (const [i, step] of after.steps.entries()) {
      const was = o.before.steps[i]!;
      if (!(step.status === "compensating" && was.status === "succeeded")) continue;
      const newer = after.steps.findIndex(
        (s, j) => j > i && s.status === "succeeded" && sim.definition.steps[j]!.compensation,
      );
      if (newer >= 0) return `${step.id} is compensated before the newer ${after.steps[newer]!.id}`;
      const other = after.steps.find(
        (s, j) =>
          j !== i && ["running", "queued", "interrupted", "compensating", "compensation_failed"].includes(s.status),
      );
      if (other) return `${step.id} is compensated while ${other.id} is ${other.status}`;
      if (sim.compensationOrder.some((j) => j <= i))
        return `compensations out of order: ${sim.compensationOrder.join(",")} then ${i}`;
      sim.compensationOrder.push(i);
    }
    if (ENDED_EARLY.has(after.status) && !ENDED_EARLY.has(o.before.status)) {
      for (const [i, step] of after.steps.entries()) {
        if (!sim.definition.steps[i]!.compensation) continue;
        const applied = sim.executed.get(step.id) ?? 0;
        if (step.status === "compensated" && sim.compensated.get(step.id) !== 1)
          return `${step.id} is compensated but its compensation happened ${sim.compensated.get(step.id) ?? 0} times`;
        if (
          applied === 0 ||
          step.status === "compensated" ||
          step.status === "compensation_skipped" ||
          sim.personSkipped.has(step.id)
        )
          continue;
        return `the run was ${after.status} with the effect of ${step.id} in place and never undone (${step.status})`;
      }
    }
    return undefined;
  },
};

import { createHash } from "node:crypto";
import { hasRole } from "@/lib/roles";
import type { RunbookDefinition, StepDefinition } from "@/lib/runbooks/definition";
import { parseDuration } from "@/lib/runbooks/duration";
import { canonicalJson } from "../../audit/canonical-json";
import { conditionHolds } from "./conditions";
import {
  confirmByHandOf,
  DONE_STEP_STATUSES,
  TERMINAL_RUN_STATUSES,
  type Command,
  type Effect,
  type MachineApproval,
  type MachineContext,
  type MachineRun,
  type MachineStep,
  type Refusal,
  type TransitionResult,
} from "./types";

/**
 * The run state machine. Pure: given a run, a command and the runbook, it returns the next run
 * and the effects the engine must carry out (jobs to queue, audit rows, locks to release), or a
 * refusal that changes nothing. Steps run strictly in order; the "current" step is the first one
 * not done.
 */
export function transition(context: MachineContext, run: MachineRun, command: Command): TransitionResult {
  const next = structuredClone(run);
  const effects: Effect[] = [];
  const refusal = apply(context, next, command, effects);
  if (refusal) return { ok: false, refusal };
  advance(context, next, effects);
  return { ok: true, run: next, effects };
}

export function initialRun(params: {
  definition: RunbookDefinition;
  runbookVersionId: string;
  inputs: Record<string, unknown>;
  inputsHash: string;
  startedBy: string;
  waitingForLock: boolean;
}): MachineRun {
  return {
    status: params.waitingForLock ? "queued" : "running",
    runbookVersionId: params.runbookVersionId,
    inputsHash: params.inputsHash,
    startedBy: params.startedBy,
    inputs: params.inputs,
    aborting: false,
    steps: params.definition.steps.map((step) => ({
      id: step.id,
      kind: step.kind,
      status: "pending",
      attempt: 1,
      planHash: null,
      coveredPlans: null,
      bindingHash: null,
      approvals: [],
      output: null,
      compensationAttempt: 0,
      activeJob: null,
    })),
  };
}

/** What an approval's decisions are bound to: the runbook version, the inputs and the covered plans. */
export function bindingHashOf(run: MachineRun, approval: MachineStep): string {
  return createHash("sha256")
    .update(
      canonicalJson({
        version: run.runbookVersionId,
        inputs: run.inputsHash,
        step: approval.id,
        plans: approval.coveredPlans ?? {},
      }),
    )
    .digest("hex");
}

/** Approvals that currently count: approved, bound to the current binding and attempt, not voided or expired. */
export function validApprovals(step: MachineStep, now: number) {
  return step.approvals.filter(
    (a) =>
      a.decision === "approved" &&
      !a.voided &&
      a.attempt === step.attempt &&
      a.bindingHash === step.bindingHash &&
      (a.expiresAt === null || a.expiresAt > now),
  );
}

/** Index of the action steps an approval covers: those after it, up to the next approval. */
export function coveredActionIndexes(definition: RunbookDefinition, approvalIndex: number): number[] {
  const covered: number[] = [];
  for (let i = approvalIndex + 1; i < definition.steps.length; i++) {
    const step = definition.steps[i]!;
    if (step.kind === "approval") break;
    if (step.kind === "action") covered.push(i);
  }
  return covered;
}

/** The approval that covers an action step, if one applies (not skipped by condition). */
export function coveringApprovalIndex(
  definition: RunbookDefinition,
  run: MachineRun,
  actionIndex: number,
): number | null {
  for (let i = actionIndex - 1; i >= 0; i--) {
    if (definition.steps[i]!.kind !== "approval") continue;
    return run.steps[i]!.status === "not_applicable" ? null : i;
  }
  return null;
}

/**
 * The actions still to run that an approval covers: they depend on it, so it cannot be skipped
 * (skipped, they would run unapproved or fail at execution). Empty for a step that is no approval.
 */
export function stepsNeedingApproval(
  context: Pick<MachineContext, "definition">,
  run: MachineRun,
  approvalIndex: number,
): StepDefinition[] {
  if (context.definition.steps[approvalIndex]?.kind !== "approval") return [];
  return coveredActionIndexes(context.definition, approvalIndex)
    .filter((i) => run.steps[i]!.status === "pending" && conditionHolds(context.definition.steps[i]!.when, run))
    .map((i) => context.definition.steps[i]!);
}

export function currentStepIndex(run: MachineRun): number {
  return run.steps.findIndex((step) => !DONE_STEP_STATUSES.has(step.status));
}

const refuse = (code: Refusal["code"], message: string, field?: string): Refusal => ({ code, message, field });

function audit(
  effects: Effect[],
  eventType: string,
  stepId: string | null,
  meta: Record<string, unknown> = {},
  outcome: "success" | "failure" | "refused" | "intent" = "success",
) {
  effects.push({ type: "audit", eventType, stepId, outcome, meta });
}

function apply(context: MachineContext, run: MachineRun, command: Command, effects: Effect[]): Refusal | null {
  if (TERMINAL_RUN_STATUSES.has(run.status)) return refuse("CONFLICT", `This run has ended (${run.status}).`);
  if (command.type === "start") return null;
  if (command.type === "lock_acquired") {
    if (run.status !== "queued") return refuse("CONFLICT", "This run is not waiting for a lock.");
    run.status = "running";
    audit(effects, "run.lock_acquired", null, {});
    return null;
  }
  if (run.status === "queued" && command.type !== "abort")
    return refuse("CONFLICT", "This run is waiting for a resource lock held by another run.");
  if (command.type === "abort") return applyAbort(run, command, effects);

  const index = run.steps.findIndex((s) => s.id === command.stepId);
  if (index < 0) return refuse("BAD_REQUEST", `This run has no step "${command.stepId}".`, "stepId");
  const step = run.steps[index]!;
  const definition = context.definition.steps[index]!;

  switch (command.type) {
    case "plan_ready":
    case "plan_failed":
      return command.forApproval
        ? applyCoveredPlan(context, run, command, effects)
        : applyOwnPlan(context, run, index, command, effects);
    case "confirm":
      return applyConfirm(run, index, definition, command, effects);
    case "execute":
      return applyExecute(context, run, index, command, effects);
    case "job_started":
      return applyJobStarted(step, command, effects);
    case "job_finished":
      return applyJobFinished(run, step, definition, command, effects);
    case "approve":
    case "refuse":
      return applyDecision(context, run, index, definition, command, effects);
    case "retry":
      return applyRetry(context, run, index, command, effects);
    case "skip":
      return applySkip(context, run, index, command, effects);
    case "interrupt":
      return applyInterrupt(step, effects);
  }
}

function requireCurrent(run: MachineRun, index: number): Refusal | null {
  if (run.aborting) return refuse("CONFLICT", "This run is being aborted.");
  return currentStepIndex(run) === index ? null : refuse("CONFLICT", "This is not the step the run is on.", "stepId");
}

function applyOwnPlan(
  context: MachineContext,
  run: MachineRun,
  index: number,
  command: Extract<Command, { type: "plan_ready" | "plan_failed" }>,
  effects: Effect[],
): Refusal | null {
  const step = run.steps[index]!;
  if (step.kind !== "action" || step.status !== "planning" || step.attempt !== command.attempt) {
    return refuse("CONFLICT", "This plan is for an attempt that is no longer current.");
  }
  if (command.type === "plan_failed") {
    step.status = "failed";
    audit(effects, "step.plan_failed", step.id, { attempt: step.attempt, error: command.error }, "failure");
    return null;
  }
  step.planHash = command.planHash;
  const approvalIndex = coveringApprovalIndex(context.definition, run, index);
  const approval = approvalIndex === null ? null : run.steps[approvalIndex]!;
  const approvedPlan = approval?.coveredPlans?.[step.id];
  if (approval && approval.status === "succeeded" && approvedPlan !== "deferred" && approvedPlan !== command.planHash) {
    reopenApproval(run, approval, effects, `the plan of "${step.id}" is not the one that was approved`);
    approval.coveredPlans = { ...(approval.coveredPlans ?? {}), [step.id]: command.planHash };
    approval.bindingHash = bindingHashOf(run, approval);
    approval.status = "waiting_approval";
    step.status = "pending";
    return null;
  }
  step.status = "waiting_operator";
  audit(effects, "step.planned", step.id, { attempt: step.attempt, planHash: command.planHash });
  return null;
}

function applyCoveredPlan(
  context: MachineContext,
  run: MachineRun,
  command: Extract<Command, { type: "plan_ready" | "plan_failed" }>,
  effects: Effect[],
): Refusal | null {
  const approval = run.steps.find((s) => s.id === command.forApproval);
  if (
    !approval ||
    approval.status !== "planning" ||
    approval.attempt !== command.attempt ||
    !approval.coveredPlans ||
    !(command.stepId in approval.coveredPlans)
  ) {
    return refuse("CONFLICT", "This plan is for an approval that is no longer being prepared.");
  }
  if (command.type === "plan_failed" && !command.deferred) {
    approval.status = "failed";
    audit(
      effects,
      "step.plan_failed",
      approval.id,
      { attempt: approval.attempt, coveredStep: command.stepId, error: command.error },
      "failure",
    );
    return null;
  }
  const covered = run.steps.find((s) => s.id === command.stepId)!;
  if (command.type === "plan_ready") covered.planHash = command.planHash;
  approval.coveredPlans[command.stepId] = command.type === "plan_ready" ? command.planHash : "deferred";
  if (Object.values(approval.coveredPlans).every((plan) => plan !== null))
    openApproval(context, run, approval, effects);
  return null;
}

function openApproval(context: MachineContext, run: MachineRun, approval: MachineStep, effects: Effect[]): void {
  approval.bindingHash = bindingHashOf(run, approval);
  approval.status = "waiting_approval";
  const definition = context.definition.steps.find((s) => s.id === approval.id) as Extract<
    StepDefinition,
    { kind: "approval" }
  >;
  audit(effects, "approval.requested", approval.id, {
    attempt: approval.attempt,
    required: definition.approvals,
    role: definition.role,
    bindingHash: approval.bindingHash,
  });
}

function reopenApproval(run: MachineRun, approval: MachineStep, effects: Effect[], reason: string): void {
  for (const decision of approval.approvals) if (decision.attempt === approval.attempt) decision.voided = true;
  effects.push({ type: "void_approvals", stepId: approval.id, reason });
  audit(effects, "approval.voided", approval.id, { attempt: approval.attempt, reason });
  approval.attempt += 1;
}

function applyConfirm(
  run: MachineRun,
  index: number,
  definition: StepDefinition,
  command: Extract<Command, { type: "confirm" }>,
  effects: Effect[],
): Refusal | null {
  const step = run.steps[index]!;
  if (step.kind !== "manual" && step.kind !== "check")
    return refuse(
      "BAD_REQUEST",
      "Only a manual step, or a check Keel could not verify by itself, is confirmed.",
      "stepId",
    );
  const notCurrent = requireCurrent(run, index);
  if (notCurrent) return notCurrent;
  if (step.status !== "waiting_operator") return refuse("CONFLICT", "This step is not waiting for confirmation.");
  if (!hasRole(command.actor.role, "responder"))
    return refuse("FORBIDDEN", "Confirming a step needs the responder role.");
  const evidence = command.evidence;
  const evidenceRequired =
    definition.kind === "check" || (definition.kind === "manual" && definition.evidence === "required");
  if (evidenceRequired && !evidence?.note?.trim() && !evidence?.link?.trim()) {
    return refuse(
      "BAD_REQUEST",
      definition.kind === "check"
        ? "Say what you checked by hand: add a note or a link."
        : "This step needs evidence: add a note or a link.",
      "note",
    );
  }
  step.status = "succeeded";
  // A check keeps what it found, beside what the person confirmed.
  step.output =
    step.kind === "check"
      ? { ...(step.output ?? {}), confirmedByHand: evidence ? { ...evidence } : null }
      : evidence
        ? { ...evidence }
        : null;
  audit(effects, "step.confirmed", step.id, { attempt: step.attempt, evidence: evidence ?? null });
  return null;
}

function applyExecute(
  context: MachineContext,
  run: MachineRun,
  index: number,
  command: Extract<Command, { type: "execute" }>,
  effects: Effect[],
): Refusal | null {
  const step = run.steps[index]!;
  if (step.kind !== "action") return refuse("BAD_REQUEST", "Only an action step is executed.", "stepId");
  const notCurrent = requireCurrent(run, index);
  if (notCurrent) return notCurrent;
  if (step.status !== "waiting_operator")
    return refuse("CONFLICT", "This action is not ready to execute; its plan must be shown first.");
  if (!hasRole(command.actor.role, "responder"))
    return refuse("FORBIDDEN", "Executing an action needs the responder role.");
  const approvalIndex = coveringApprovalIndex(context.definition, run, index);
  const approval = approvalIndex === null ? null : run.steps[approvalIndex]!;
  if (
    approval?.status === "succeeded" &&
    approval.approvals.length > 0 &&
    validApprovals(approval, context.now).length < requiredApprovals(context, approvalIndex!)
  ) {
    // The approval expired while the action waited: it must be given again before anything changes.
    reopenApproval(run, approval, effects, "the approval expired");
    approval.bindingHash = bindingHashOf(run, approval);
    approval.status = "waiting_approval";
    step.status = "pending";
    return null;
  }
  step.status = "queued";
  effects.push({ type: "enqueue", stepId: step.id, attempt: step.attempt, phase: "execute", resumed: false });
  audit(effects, "step.execution_requested", step.id, { attempt: step.attempt, planHash: step.planHash });
  return null;
}

function requiredApprovals(context: MachineContext, index: number): number {
  const definition = context.definition.steps[index]!;
  return definition.kind === "approval" ? definition.approvals : 1;
}

function applyJobStarted(
  step: MachineStep,
  command: Extract<Command, { type: "job_started" }>,
  effects: Effect[],
): Refusal | null {
  if (command.phase === "compensate") {
    if (step.status !== "compensating" || step.compensationAttempt !== command.attempt || step.activeJob) {
      return refuse("CONFLICT", "This compensation is not waiting to run.");
    }
    step.activeJob = { phase: "compensate", attempt: command.attempt };
    audit(effects, "compensation.started", step.id, { attempt: command.attempt }, "intent");
    return null;
  }
  if (
    step.status !== "queued" ||
    step.attempt !== command.attempt ||
    (command.phase === "check") !== (step.kind === "check")
  ) {
    return refuse("CONFLICT", "This step is not waiting to run this attempt.");
  }
  step.status = "running";
  step.activeJob = { phase: command.phase, attempt: command.attempt };
  audit(effects, "step.started", step.id, { attempt: command.attempt, phase: command.phase }, "intent");
  return null;
}

function applyJobFinished(
  run: MachineRun,
  step: MachineStep,
  definition: StepDefinition,
  command: Extract<Command, { type: "job_finished" }>,
  effects: Effect[],
): Refusal | null {
  const job = step.activeJob;
  if (!job || job.phase !== command.phase || job.attempt !== command.attempt)
    return refuse("CONFLICT", "No such job is running for this step.");
  if (command.phase === "compensate") {
    if (step.status !== "compensating") return refuse("CONFLICT", "This compensation is not running.");
    step.activeJob = null;
    step.status = command.ok ? "compensated" : "compensation_failed";
    audit(
      effects,
      command.ok ? "compensation.succeeded" : "compensation.failed",
      step.id,
      { attempt: command.attempt, error: command.error ?? null },
      command.ok ? "success" : "failure",
    );
    return null;
  }
  if (step.status !== "running") return refuse("CONFLICT", "This step is not running.");
  step.activeJob = null;
  step.output = command.output ?? null;
  const passed = definition.kind === "check" && definition.expect === "fail" ? !command.ok : command.ok;
  const byHand = passed && definition.kind === "check" ? confirmByHandOf(command.output) : null;
  if (byHand) {
    // It verified nothing (or not everything): no green until a person confirms, with evidence.
    // In a run being aborted nobody will: like any step waiting for a person then, it is skipped.
    step.status = run.aborting ? "skipped" : "waiting_operator";
    audit(effects, "step.needs_confirmation", step.id, { attempt: command.attempt, reason: byHand });
    return null;
  }
  step.status = passed ? "succeeded" : "failed";
  audit(
    effects,
    passed ? "step.succeeded" : "step.failed",
    step.id,
    {
      attempt: command.attempt,
      error: passed ? null : (command.error ?? "the check did not give the expected result"),
    },
    passed ? "success" : "failure",
  );
  return null;
}

function applyDecision(
  context: MachineContext,
  run: MachineRun,
  index: number,
  definition: StepDefinition,
  command: Extract<Command, { type: "approve" | "refuse" }>,
  effects: Effect[],
): Refusal | null {
  const step = run.steps[index]!;
  if (definition.kind !== "approval") return refuse("BAD_REQUEST", "This step is not an approval.", "stepId");
  const notCurrent = requireCurrent(run, index);
  if (notCurrent) return notCurrent;
  if (step.status !== "waiting_approval") return refuse("CONFLICT", "This approval is not open for decisions.");
  if (command.actor.userId === run.startedBy)
    return refuse("FORBIDDEN", "You started this run, so someone else must approve it.");
  if (!hasRole(command.actor.role, definition.role))
    return refuse("FORBIDDEN", `Approving this step needs the ${definition.role} role.`);
  if (command.bindingHash !== step.bindingHash) {
    return refuse(
      "CONFLICT",
      "The inputs or the plan changed since you looked. Review them again before deciding.",
      "bindingHash",
    );
  }
  // An approval that expired no longer counts, so its author may give it again.
  const expired = (a: MachineApproval) => a.expiresAt !== null && a.expiresAt <= context.now;
  if (
    step.approvals.some(
      (a) => a.userId === command.actor.userId && a.attempt === step.attempt && !a.voided && !expired(a),
    )
  ) {
    return refuse("CONFLICT", "You have already decided on this approval.");
  }
  const expiresIn = definition.expiresIn ? parseDuration(definition.expiresIn) : null;
  step.approvals.push({
    userId: command.actor.userId,
    decision: command.type === "approve" ? "approved" : "refused",
    bindingHash: step.bindingHash!,
    attempt: step.attempt,
    expiresAt: command.type === "approve" && expiresIn ? context.now + expiresIn * 1000 : null,
    voided: false,
  });
  if (command.type === "refuse") {
    // A refusal is a decision: the run ends (what it already changed is undone first), refused.
    step.status = "refused";
    run.aborting = true;
    audit(
      effects,
      "approval.refused",
      step.id,
      { attempt: step.attempt, comment: command.comment, bindingHash: step.bindingHash },
      "refused",
    );
    return null;
  }
  const count = validApprovals(step, context.now).length;
  audit(effects, "approval.given", step.id, {
    attempt: step.attempt,
    bindingHash: step.bindingHash,
    count,
    required: definition.approvals,
  });
  if (count >= definition.approvals) step.status = "succeeded";
  return null;
}

function applyRetry(
  context: MachineContext,
  run: MachineRun,
  index: number,
  command: Extract<Command, { type: "retry" }>,
  effects: Effect[],
): Refusal | null {
  const step = run.steps[index]!;
  if (!hasRole(command.actor.role, "responder"))
    return refuse("FORBIDDEN", "Retrying a step needs the responder role.");
  if (run.aborting) {
    if (step.status === "interrupted" && step.activeJob && step.activeJob.phase !== "compensate") {
      // The job that was running when the abort came died with its worker: resume it (same
      // attempt, same idempotency key); once it ends, it is compensated if it succeeded.
      step.status = "queued";
      effects.push({
        type: "enqueue",
        stepId: step.id,
        attempt: step.attempt,
        phase: step.activeJob.phase,
        resumed: true,
      });
      audit(effects, "step.resumed", step.id, { attempt: step.attempt });
      return null;
    }
    const resumable =
      step.status === "compensation_failed" ||
      (step.status === "interrupted" && step.activeJob?.phase === "compensate");
    if (!resumable)
      return refuse(
        "CONFLICT",
        "While the run is being aborted, only a compensation or an interrupted step can be retried.",
      );
    const resumed = step.status === "interrupted";
    if (!resumed) step.compensationAttempt += 1;
    step.status = "compensating";
    step.activeJob = null;
    effects.push({ type: "enqueue", stepId: step.id, attempt: step.compensationAttempt, phase: "compensate", resumed });
    audit(effects, "compensation.retried", step.id, { attempt: step.compensationAttempt, resumed });
    return null;
  }
  const notCurrent = requireCurrent(run, index);
  if (notCurrent) return notCurrent;
  if (step.status === "interrupted" && step.activeJob?.phase === "execute") {
    // Resume the same attempt: same idempotency key, so an effect already applied is not applied again.
    // The job stays recorded while it waits to resume: this attempt has started before.
    step.status = "queued";
    effects.push({ type: "enqueue", stepId: step.id, attempt: step.attempt, phase: "execute", resumed: true });
    audit(effects, "step.resumed", step.id, { attempt: step.attempt });
    return null;
  }
  if (step.status !== "failed" && step.status !== "interrupted")
    return refuse("CONFLICT", "Only a failed or interrupted step can be retried.");
  step.attempt += 1;
  step.activeJob = null;
  step.output = null;
  audit(effects, "step.retried", step.id, { attempt: step.attempt });
  if (step.kind === "check") {
    step.status = "queued";
    effects.push({ type: "enqueue", stepId: step.id, attempt: step.attempt, phase: "check", resumed: false });
  } else if (step.kind === "action") {
    step.status = "planning";
    step.planHash = null;
    effects.push({ type: "enqueue", stepId: step.id, attempt: step.attempt, phase: "plan", resumed: false });
  } else if (step.kind === "approval") {
    for (const decision of step.approvals) decision.voided = true;
    startApproval(context, run, index, effects);
  } else {
    step.status = "waiting_operator";
  }
  return null;
}

function applySkip(
  context: MachineContext,
  run: MachineRun,
  index: number,
  command: Extract<Command, { type: "skip" }>,
  effects: Effect[],
): Refusal | null {
  const step = run.steps[index]!;
  if (!hasRole(command.actor.role, "lead")) return refuse("FORBIDDEN", "Skipping a step needs the lead role.");
  if (command.reason.trim().length < 3) return refuse("BAD_REQUEST", "Write why this step is skipped.", "reason");
  if (run.aborting) {
    if (step.status === "interrupted" && step.activeJob && step.activeJob.phase !== "compensate") {
      step.status = "skipped";
      step.activeJob = null;
      audit(effects, "step.skipped", step.id, { attempt: step.attempt, reason: command.reason });
      return null;
    }
    if (step.status !== "compensation_failed")
      return refuse(
        "CONFLICT",
        "While the run is being aborted, only a failed compensation or an interrupted step can be skipped.",
      );
    step.status = "compensation_skipped";
    audit(effects, "compensation.skipped", step.id, { reason: command.reason });
    return null;
  }
  const notCurrent = requireCurrent(run, index);
  if (notCurrent) return notCurrent;
  if (["queued", "running"].includes(step.status))
    return refuse("CONFLICT", "This step is running; wait for it to finish or be interrupted.");
  if (step.kind === "approval" && command.actor.userId === run.startedBy) {
    return refuse("FORBIDDEN", "You started this run, so you cannot skip its approval.");
  }
  const dependent = stepsNeedingApproval(context, run, index);
  if (dependent.length > 0) {
    const what = dependent.length === 1 ? "the action after it" : `the ${dependent.length} actions after it`;
    return refuse(
      "PRECONDITION_FAILED",
      `This approval cannot be skipped: ${what} must not run without it. Approve or refuse it, or abort the run.`,
      "stepId",
    );
  }
  step.status = "skipped";
  step.activeJob = null;
  audit(effects, "step.skipped", step.id, { attempt: step.attempt, reason: command.reason });
  return null;
}

function applyInterrupt(step: MachineStep, effects: Effect[]): Refusal | null {
  const running = step.status === "running" || (step.status === "compensating" && step.activeJob !== null);
  if (!running) return refuse("CONFLICT", "This step is not running.");
  step.status = "interrupted";
  audit(
    effects,
    "step.interrupted",
    step.id,
    { attempt: step.activeJob!.attempt, phase: step.activeJob!.phase, reason: "its worker stopped before finishing" },
    "failure",
  );
  return null;
}

function applyAbort(run: MachineRun, command: Extract<Command, { type: "abort" }>, effects: Effect[]): Refusal | null {
  if (run.aborting) return refuse("CONFLICT", "This run is already being aborted.");
  if (command.actor.userId !== run.startedBy && !hasRole(command.actor.role, "lead")) {
    return refuse("FORBIDDEN", "Only the person who started this run or a lead can abort it.");
  }
  if (command.reason.trim().length < 3) return refuse("BAD_REQUEST", "Write why the run is aborted.", "reason");
  run.aborting = true;
  for (const step of run.steps) {
    // Work not started yet never starts; a job already running finishes (and is then compensated).
    // An execution that started, then lost its worker, may have applied its effect: interrupted,
    // it waits for a person to resume it (it is then compensated) or skip it; queued to resume,
    // it runs.
    if (step.activeJob?.phase === "execute") continue;
    if (["planning", "queued", "waiting_operator", "waiting_approval", "failed", "interrupted"].includes(step.status)) {
      step.status = "skipped";
      step.activeJob = null;
    }
  }
  audit(effects, "run.abort_requested", null, { reason: command.reason });
  return null;
}

function startApproval(context: MachineContext, run: MachineRun, index: number, effects: Effect[]): void {
  const step = run.steps[index]!;
  // Only actions still to run: when an approval is asked again (after a refusal, say), the ones that
  // already ran are not planned again nor bound into the new approval.
  const covered = coveredActionIndexes(context.definition, index).filter(
    (i) => run.steps[i]!.status === "pending" && conditionHolds(context.definition.steps[i]!.when, run),
  );
  step.coveredPlans = Object.fromEntries(covered.map((i) => [run.steps[i]!.id, null]));
  if (covered.length === 0) {
    openApproval(context, run, step, effects);
    return;
  }
  step.status = "planning";
  for (const i of covered) {
    effects.push({
      type: "enqueue",
      stepId: run.steps[i]!.id,
      attempt: step.attempt,
      phase: "plan",
      resumed: false,
      forApproval: step.id,
    });
  }
}

/** Moves the run forward from wherever the last command left it, and derives its status. */
function advance(context: MachineContext, run: MachineRun, effects: Effect[]): void {
  if (run.status === "queued" && !run.aborting) return;
  if (run.aborting) {
    advanceAbort(context, run, effects);
    return;
  }
  for (;;) {
    const index = currentStepIndex(run);
    if (index < 0) {
      run.status = "succeeded";
      effects.push({ type: "release_locks" });
      audit(effects, "run.succeeded", null);
      return;
    }
    const step = run.steps[index]!;
    const definition = context.definition.steps[index]!;
    if (step.status === "pending") {
      if (!conditionHolds(definition.when, run)) {
        step.status = "not_applicable";
        audit(effects, "step.not_applicable", step.id, {});
        continue;
      }
      if (definition.kind === "manual") step.status = "waiting_operator";
      else if (definition.kind === "check") {
        step.status = "queued";
        effects.push({ type: "enqueue", stepId: step.id, attempt: step.attempt, phase: "check", resumed: false });
      } else if (definition.kind === "action") {
        step.status = "planning";
        effects.push({ type: "enqueue", stepId: step.id, attempt: step.attempt, phase: "plan", resumed: false });
      } else startApproval(context, run, index, effects);
    }
    run.status = runStatusFor(step);
    return;
  }
}

function runStatusFor(step: MachineStep): MachineRun["status"] {
  switch (step.status) {
    case "waiting_operator":
      return "waiting_operator";
    case "waiting_approval":
      return "waiting_approval";
    case "failed":
    case "compensation_failed":
      return "failed";
    case "interrupted":
      return "interrupted";
    default:
      return "running";
  }
}

/** Compensations of completed steps run one at a time, newest first; then the run is cancelled (or refused). */
function advanceAbort(context: MachineContext, run: MachineRun, effects: Effect[]): void {
  const blocked = run.steps.find(
    (s) =>
      s.status === "queued" ||
      s.status === "running" ||
      s.status === "compensating" ||
      s.status === "compensation_failed" ||
      (s.status === "interrupted" && s.activeJob),
  );
  if (blocked) {
    run.status =
      blocked.status === "compensation_failed"
        ? "failed"
        : blocked.status === "interrupted"
          ? "interrupted"
          : "aborting";
    return;
  }
  for (let i = run.steps.length - 1; i >= 0; i--) {
    const step = run.steps[i]!;
    if (step.status === "succeeded" && context.definition.steps[i]!.compensation) {
      step.status = "compensating";
      step.compensationAttempt += 1;
      effects.push({
        type: "enqueue",
        stepId: step.id,
        attempt: step.compensationAttempt,
        phase: "compensate",
        resumed: false,
      });
      run.status = "aborting";
      return;
    }
  }
  const refused = run.steps.some((s) => s.status === "refused");
  run.status = refused ? "refused" : "cancelled";
  effects.push({ type: "release_locks" });
  audit(effects, refused ? "run.refused" : "run.cancelled", null, {});
}

import { createHash } from "node:crypto";
import { fieldLabel } from "@/lib/validation/field-label";
import { and, eq, sql } from "drizzle-orm";
import { ZodError } from "zod";
import type { Transaction } from "@/db/client";
import { actionExecutions, runs, runSteps, type Plan } from "@/db/schema";
import type { StepDefinition } from "@/lib/runbooks/definition";
import { systemActor } from "../audit/actor";
import { canonicalJson } from "../audit/canonical-json";
import { AppError } from "../errors";
import { notifyRunChanged } from "../live/notify";
import { recordStepJob } from "../observability/metrics";
import { getLogger } from "../observability/logger";
import { renderTemplates, TemplateError } from "../runbooks/templates";
import type { ActionResult, AnyAction, AnyCheck, StepContext } from "./actions/types";
import { dispatch, type EngineDeps } from "./dispatch";
import { interruptJob } from "./interrupt";
import { idempotencyKeyOf, type StepJob } from "./jobs/step-job";
import { LeaseBusy } from "./leases/step-leases";
import { OutputSink } from "./output-sink";
import { loadRun, type StoredRun } from "./run-state";
import { templateScopeFor } from "./template-scope";

const WORKER = systemActor();

export function planHashOf(plan: Plan): string {
  return createHash("sha256").update(canonicalJson(plan)).digest("hex");
}

/**
 * Carries out one step job. For anything with an effect, the intent (audit row + execution row)
 * commits first; if it cannot, nothing runs (fail closed). Results come back through dispatch,
 * which refuses stale ones.
 */
export async function runStepJob(
  deps: EngineDeps,
  job: StepJob,
  signal: AbortSignal = new AbortController().signal,
): Promise<void> {
  const log = getLogger().child({ runId: job.runId, stepId: job.stepId, attempt: job.attempt, phase: job.phase });
  try {
    if (job.phase === "plan") await planStep(deps, job);
    else await runEffectfulStep(deps, job, signal);
  } catch (error) {
    if (error instanceof AppError && (error.code === "CONFLICT" || error.code === "NOT_FOUND")) {
      log.debug({ reason: error.message }, "stale step job ignored");
      return;
    }
    log.error({ err: error }, "step job failed unexpectedly");
  }
}

function stepDefinitionOf(stored: StoredRun, stepId: string): StepDefinition {
  const step = stored.definition.steps.find((s) => s.id === stepId);
  if (!step) throw new AppError("NOT_FOUND", `The runbook version has no step ${stepId}.`);
  return step;
}

function describeError(error: unknown, redact: (text: string) => string): string {
  if (error instanceof ZodError)
    return `Invalid action input: ${error.issues.map((i) => (i.path.length > 0 ? `${fieldLabel(i.path.join("."))}: ${i.message}` : i.message)).join("; ")}`;
  return redact(error instanceof Error ? error.message : String(error));
}

async function planStep(deps: EngineDeps, job: StepJob): Promise<void> {
  const stored = await loadRun(deps.db, job.runId);
  const definition = stepDefinitionOf(stored, job.stepId);
  if (definition.kind !== "action") throw new AppError("CONFLICT", "only actions have plans");
  const action = deps.registry.action(definition.action);
  const { scope, secrets } = await templateScopeFor(deps.db, stored);
  const sink = await OutputSink.open(deps.db, job, secrets);
  const forApproval = job.forApproval ? { forApproval: job.forApproval } : {};
  // Anything the action throws (an AppError included: an unknown target, a refused input) is a
  // failed plan the person sees; only dispatch's own refusals below mean the job is stale.
  let outcome: { plan: Plan } | { error: string; deferred: boolean };
  try {
    if (!action) throw new Error(`No action named ${definition.action} is registered.`);
    const input = action.input.parse(renderTemplates(definition.input, scope));
    outcome = {
      plan: redactPlan(
        await action.plan(input, contextFor(deps, job, sink, new AbortController().signal, false)),
        sink,
      ),
    };
  } catch (error) {
    const deferred = Boolean(job.forApproval) && error instanceof TemplateError && error.reference.startsWith("steps.");
    const message = deferred
      ? `Its plan depends on "${(error as TemplateError).reference}", known once earlier steps have run; it is shown before it runs.`
      : describeError(error, (t) => sink.redact(t));
    outcome = { error: message, deferred };
  } finally {
    await sink.close();
  }
  if ("plan" in outcome) {
    const { plan } = outcome;
    await dispatch(deps, {
      runId: job.runId,
      command: {
        type: "plan_ready",
        stepId: job.stepId,
        attempt: job.attempt,
        planHash: planHashOf(plan),
        ...forApproval,
      },
      actor: WORKER,
      details: job.forApproval
        ? { coveredPlan: { approvalId: job.forApproval, stepId: job.stepId, plan } }
        : { patch: { plan, error: null } },
    });
    return;
  }
  await dispatch(deps, {
    runId: job.runId,
    command: {
      type: "plan_failed",
      stepId: job.stepId,
      attempt: job.attempt,
      error: outcome.error,
      deferred: outcome.deferred,
      ...forApproval,
    },
    actor: WORKER,
    details: job.forApproval
      ? { coveredPlan: { approvalId: job.forApproval, stepId: job.stepId, note: outcome.error } }
      : { patch: { error: outcome.error } },
  });
}

function redactPlan(plan: Plan, sink: OutputSink): Plan {
  return JSON.parse(sink.redact(JSON.stringify(plan))) as Plan;
}

/**
 * The job's lease is held from before the step is recorded as running until its result is
 * committed, so no sweeper ever sees the step running without a worker while this one lives.
 */
async function runEffectfulStep(deps: EngineDeps, job: StepJob, signal: AbortSignal): Promise<void> {
  const release = await deps.leases.hold(idempotencyKeyOf(job)).catch((error: unknown) => {
    if (error instanceof LeaseBusy) throw new AppError("CONFLICT", error.message);
    throw error;
  });
  try {
    const outcome = await executeStep(deps, job, signal);
    // The process is stopping and its grace period is over: the step goes back as interrupted, and a person decides.
    if (outcome === "stopped") await interruptJob(deps, job);
  } finally {
    await release();
  }
}

async function executeStep(deps: EngineDeps, job: StepJob, signal: AbortSignal): Promise<"ended" | "stopped"> {
  const phase = job.phase as Exclude<StepJob["phase"], "plan">;
  const key = idempotencyKeyOf(job);
  const startedAt = new Date();
  await dispatch(deps, {
    runId: job.runId,
    command: { type: "job_started", stepId: job.stepId, attempt: job.attempt, phase },
    actor: WORKER,
    // No heartbeat: the lease says this worker lives (a heartbeat marks a worker of an older version, see sweep.ts).
    details:
      phase === "compensate"
        ? {}
        : { patch: { startedAt, heartbeatAt: null, progress: 0, progressMessage: null, error: null } },
    alsoInTransaction: (tx) => recordExecutionStart(tx, key, job),
  });

  const stored = await loadRun(deps.db, job.runId);
  const definition = stepDefinitionOf(stored, job.stepId);
  const { scope, secrets } = await templateScopeFor(deps.db, stored);
  const sink = await OutputSink.open(deps.db, job, secrets);
  const controller = new AbortController();
  // `signal` is the engine's, shared by every job of the process: the listener goes when the job ends.
  const forwardAbort = () => controller.abort(signal.reason);
  signal.addEventListener("abort", forwardAbort, { once: true });
  let ok = false;
  let output: Record<string, unknown> | undefined;
  let error: string | undefined;
  let evidence: Record<string, unknown> | undefined;
  try {
    const context = contextFor(deps, job, sink, controller.signal, job.resumed);
    if (phase === "check" && definition.kind === "check") {
      const check = deps.registry.check(definition.check);
      if (!check) throw new Error(`No check named ${definition.check} is registered.`);
      const result = await runCheck(check, renderTemplates(definition.input, scope), context);
      ok = result.passed;
      output = { passed: result.passed, summary: result.summary, ...(result.details ?? {}) };
      evidence = { summary: result.summary, details: result.details ?? null, ranAt: new Date().toISOString() };
      error = result.passed ? undefined : result.summary;
      sink.write(result.summary, "info");
    } else {
      const call =
        phase === "compensate"
          ? definition.compensation
          : definition.kind === "action"
            ? { action: definition.action, input: definition.input }
            : undefined;
      if (!call) throw new Error("This step has nothing to execute.");
      const action = deps.registry.action(call.action);
      if (!action) throw new Error(`No action named ${call.action} is registered.`);
      const result = await executeAction(action, renderTemplates(call.input, scope), context);
      ok = true;
      output = { summary: result.summary, ...(result.output ?? {}) };
      sink.write(result.summary, "info");
    }
  } catch (caught) {
    if (signal.aborted) return "stopped";
    error = describeError(caught, (t) => sink.redact(t));
    sink.write(error, "stderr");
  } finally {
    signal.removeEventListener("abort", forwardAbort);
    await sink.close();
  }
  const safeOutput = output ? (JSON.parse(sink.redact(JSON.stringify(output))) as Record<string, unknown>) : undefined;
  const endedAt = new Date();
  recordStepJob(phase, ok, (endedAt.getTime() - startedAt.getTime()) / 1000);
  await dispatch(deps, {
    runId: job.runId,
    command: { type: "job_finished", stepId: job.stepId, attempt: job.attempt, phase, ok, output: safeOutput, error },
    actor: WORKER,
    details:
      phase === "compensate"
        ? { patch: { error: error ?? null } }
        : { patch: { endedAt, error: error ?? null, progress: ok ? 1 : null, ...(evidence ? { evidence } : {}) } },
    alsoInTransaction: (tx) => recordExecutionEnd(tx, key, ok, safeOutput, error),
  });
  return "ended";
}

async function runCheck(check: AnyCheck, rawInput: unknown, context: StepContext) {
  return check.run(check.input.parse(rawInput), context);
}

async function executeAction(action: AnyAction, rawInput: unknown, context: StepContext): Promise<ActionResult> {
  const input = action.input.parse(rawInput);
  const result = await action.execute(input, context);
  if (action.verify) {
    const verification = await action.verify(input, context, result);
    if (!verification.ok) throw new Error(`Executed, but verification failed: ${verification.summary}`);
    context.log(`Verified: ${verification.summary}`, "info");
  }
  return result;
}

function contextFor(
  deps: EngineDeps,
  job: StepJob,
  sink: OutputSink,
  signal: AbortSignal,
  resumed: boolean,
): StepContext {
  let lastProgressAt = 0;
  return {
    db: deps.db,
    runId: job.runId,
    stepId: job.stepId,
    attempt: job.attempt,
    idempotencyKey: idempotencyKeyOf(job),
    resumed,
    signal,
    log: (line, stream) => sink.write(line, stream),
    registerSecret: (value) => sink.addSecret(value),
    progress(fraction, message) {
      const now = Date.now();
      if (now - lastProgressAt < 400 && fraction < 1) return;
      lastProgressAt = now;
      void reportProgress(deps, job, Math.max(0, Math.min(1, fraction)), message ? sink.redact(message) : null);
    },
  };
}

async function reportProgress(deps: EngineDeps, job: StepJob, progress: number, message: string | null) {
  try {
    await deps.db.transaction(async (tx) => {
      await tx
        .update(runSteps)
        .set({ progress, progressMessage: message })
        .where(and(eq(runSteps.runId, job.runId), eq(runSteps.stepId, job.stepId), eq(runSteps.attempt, job.attempt)));
      const [run] = await tx
        .update(runs)
        .set({ version: sqlIncrement() })
        .where(eq(runs.id, job.runId))
        .returning({ version: runs.version });
      if (run) await notifyRunChanged(tx, job.runId, run.version);
    });
  } catch (error) {
    getLogger().warn({ err: error, runId: job.runId }, "could not record progress");
  }
}

function sqlIncrement() {
  return sql`${runs.version} + 1`;
}

async function recordExecutionStart(tx: Transaction, key: string, job: StepJob) {
  const phase = job.phase === "check" ? "check" : job.phase === "compensate" ? "compensate" : "execute";
  await tx
    .insert(actionExecutions)
    .values({ key, runId: job.runId, stepId: job.stepId, attempt: job.attempt, phase, status: "started" })
    .onConflictDoUpdate({ target: actionExecutions.key, set: { status: "started", resumed: true, endedAt: null } });
}

async function recordExecutionEnd(
  tx: Transaction,
  key: string,
  ok: boolean,
  output: Record<string, unknown> | undefined,
  error: string | undefined,
) {
  await tx
    .update(actionExecutions)
    .set({
      status: ok ? "succeeded" : "failed",
      result: ok ? (output ?? {}) : { error: error ?? "failed" },
      endedAt: new Date(),
    })
    .where(eq(actionExecutions.key, key));
}

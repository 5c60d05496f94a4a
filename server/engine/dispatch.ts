import type { Database, Transaction } from "@/db/client";
import { appendAuditEvent } from "../audit/append";
import { systemActor, type Actor } from "../audit/actor";
import { requireRecentAuthentication } from "../auth/reauth";
import { AppError } from "../errors";
import { notifyRunChanged } from "../live/notify";
import { getLogger } from "../observability/logger";
import { workerGroupOfJob } from "./jobs/step-group";
import type { JobQueue, StepJob } from "./jobs/step-job";
import type { StepLeases } from "./leases/step-leases";
import { acquireLocks, olderRunWaitsFor, releaseLocks, runsWaitingFor } from "./locks";
import { transition } from "./machine/transition";
import type { Command, Effect, MachineRun } from "./machine/types";
import { loadRunForUpdate, persistRun, toMachineRun, type PersistDetails, type StoredRun } from "./run-state";
import type { StepRegistry } from "./registry";

/**
 * A domain rule the engine applies but does not own: what makes a person's command high-risk, in
 * words for the refusal, or null. Such a command asks for the password again when the person's
 * last proof of it is old.
 */
export type HighRiskClassifier = (registry: StepRegistry, stored: StoredRun, command: Command) => string | null;

/**
 * What the engine needs from the process: the database, the actions and checks, the job queue,
 * the step leases, a clock, and the policy hooks the composition passes in.
 */
export type EngineDeps = {
  db: Database;
  registry: StepRegistry;
  queue: JobQueue;
  /** Who works on which running step (leases/step-leases.ts). */
  leases: StepLeases;
  now: () => number;
  highRisk: HighRiskClassifier;
};

export type DispatchInput = {
  runId: string;
  command: Command;
  /** Who is acting, for the audit trail (a person, or the system for job results). */
  actor: Actor;
  details?: PersistDetails;
  /** More writes that must commit or roll back with the command (the execution intent row). */
  alsoInTransaction?: (tx: Transaction, stored: StoredRun) => Promise<void>;
};

export type DispatchResult = { run: MachineRun; version: number; stored: StoredRun };

/**
 * Applies one command to one run: in one transaction the run is locked, the state machine
 * decides, the new state, its audit rows, the jobs it calls for and the live notification are
 * written. A refusal changes nothing and, for a person's command, is itself recorded.
 */
export async function dispatch(deps: EngineDeps, input: DispatchInput): Promise<DispatchResult> {
  const refusedBy: { stored?: StoredRun } = {};
  const outcome = await deps.db
    .transaction(async (tx) => {
      const stored = await loadRunForUpdate(tx, input.runId);
      const result = transition(
        { definition: stored.definition, now: deps.now() },
        toMachineRun(stored),
        input.command,
      );
      if (!result.ok) {
        const { refusal } = result;
        refusedBy.stored = stored;
        throw new AppError(
          refusal.code,
          refusal.message,
          refusal.field ? { fields: { [refusal.field]: refusal.message } } : undefined,
        );
      }
      // A high-risk step asks for the password again when the person's last proof of it is old.
      const highRisk = input.actor.userId ? deps.highRisk(deps.registry, stored, input.command) : null;
      if (highRisk) {
        refusedBy.stored = stored;
        await requireRecentAuthentication(tx, input.actor, highRisk);
      }
      const stepId = "stepId" in input.command ? input.command.stepId : null;
      const voided = result.effects.find((e) => e.type === "void_approvals");
      const details = {
        ...input.details,
        voidReason: input.details?.voidReason ?? (voided?.type === "void_approvals" ? voided.reason : undefined),
      };
      const version = await persistRun(tx, stored, result.run, stepId, details);
      await writeAuditEffects(tx, stored, input.actor, result.effects);
      if (input.alsoInTransaction) await input.alsoInTransaction(tx, stored);
      await releaseLocksWithRun(tx, stored, result.effects);
      await enqueueJobs(deps.queue, tx, stored, result.effects);
      await notifyRunChanged(tx, stored.row.id, version);
      return { run: result.run, version, stored, effects: result.effects };
    })
    .catch(async (error: unknown) => {
      if (error instanceof AppError && refusedBy.stored && input.actor.userId) {
        await recordRefusal(deps.db, refusedBy.stored, input, error);
      }
      throw error;
    });
  await carryOutAfterCommit(deps, outcome.effects);
  return { run: outcome.run, version: outcome.version, stored: outcome.stored };
}

export async function writeAuditEffects(
  tx: Parameters<typeof appendAuditEvent>[0],
  stored: StoredRun,
  actor: Actor,
  effects: Effect[],
) {
  for (const effect of effects) {
    if (effect.type !== "audit") continue;
    await appendAuditEvent(tx, actor, {
      eventType: effect.eventType,
      outcome: effect.outcome,
      entityType: "run",
      entityId: stored.row.id,
      meta: {
        runNumber: stored.row.number,
        runbookId: stored.row.runbookId,
        ...(effect.stepId ? { stepId: effect.stepId } : {}),
        ...effect.meta,
      },
    });
  }
}

/**
 * A run that ends gives its locks back in the transaction that ends it, so no crash can leave a
 * lock held by a finished run.
 */
export async function releaseLocksWithRun(tx: Transaction, stored: StoredRun, effects: Effect[]): Promise<void> {
  if (effects.some((e) => e.type === "release_locks")) await releaseLocks(tx, stored.row.id);
}

/**
 * The jobs the new state calls for, written in the transaction that commits it: a job exists
 * exactly when its cause does, so no crash between the two can lose one or run one for a change
 * that was rolled back.
 */
export async function enqueueJobs(
  queue: JobQueue,
  tx: Transaction,
  stored: StoredRun,
  effects: Effect[],
): Promise<void> {
  for (const effect of effects) {
    if (effect.type !== "enqueue") continue;
    const job: StepJob = {
      runId: stored.row.id,
      stepId: effect.stepId,
      attempt: effect.attempt,
      phase: effect.phase,
      resumed: effect.resumed,
      ...(effect.forApproval ? { forApproval: effect.forApproval } : {}),
    };
    // The job goes to the queue of the worker group its targets name (jobs/step-group.ts).
    const group = await workerGroupOfJob(tx, { definition: stored.definition, inputs: stored.row.inputs }, job);
    await queue.enqueue(job, tx, group);
  }
}

/** Once the state is committed: wake this process's workers for its new jobs, and the queued runs that released locks let go. */
export async function carryOutAfterCommit(deps: EngineDeps, effects: Effect[]): Promise<void> {
  if (effects.some((e) => e.type === "enqueue")) deps.queue.wake();
  if (effects.some((e) => e.type === "release_locks")) {
    await wakeQueuedRuns(deps).catch((error: unknown) =>
      getLogger().error({ err: error }, "could not wake the queued runs; the sweeper will"),
    );
  }
}

class LocksBusy extends Error {}

/**
 * Starts queued runs whose locks are free, oldest first, each taking all of its locks or none.
 * No queue jumping: a run never takes a key that an older queued run waits for. Called by the
 * process that released locks and by every instance's sweeper (which covers a process that died
 * before waking anyone); runs woken twice at once start once (the run row is locked, the state
 * machine refuses a second lock_acquired).
 */
export async function wakeQueuedRuns(deps: EngineDeps): Promise<number> {
  const wantedByOlder = new Set<string>();
  let woken = 0;
  for (const run of await runsWaitingFor(deps.db)) {
    const outcome = run.lockKeys.some((key) => wantedByOlder.has(key)) ? "busy" : await tryToWake(deps, run);
    if (outcome === "woken") woken++;
    if (outcome === "busy") for (const key of run.lockKeys) wantedByOlder.add(key);
  }
  return woken;
}

async function tryToWake(
  deps: EngineDeps,
  run: { id: string; number: number; lockKeys: string[] },
): Promise<"woken" | "busy" | "gone"> {
  try {
    await dispatch(deps, {
      runId: run.id,
      command: { type: "lock_acquired" },
      actor: systemActor(),
      alsoInTransaction: async (tx) => {
        if (await olderRunWaitsFor(tx, run.number, run.lockKeys)) throw new LocksBusy();
        if (!(await acquireLocks(tx, run.id, run.lockKeys)).acquired) throw new LocksBusy();
      },
    });
    return "woken";
  } catch (error) {
    if (error instanceof LocksBusy) return "busy";
    // Woken by another instance, or aborted, since it was read.
    if (error instanceof AppError && error.code === "CONFLICT") return "gone";
    getLogger().error({ err: error, runId: run.id }, "a queued run could not take its locks");
    return "busy";
  }
}

async function recordRefusal(db: Database, stored: StoredRun, input: DispatchInput, error: AppError) {
  const command = input.command;
  await appendAuditEvent(db, input.actor, {
    eventType: "run.command_refused",
    outcome: "refused",
    entityType: "run",
    entityId: stored.row.id,
    meta: {
      runNumber: stored.row.number,
      runbookId: stored.row.runbookId,
      command: command.type,
      ...("stepId" in command ? { stepId: command.stepId } : {}),
      reason: error.message,
    },
  });
}

import { and, asc, eq } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import {
  runApprovals,
  runbookVersions,
  runs,
  runSteps,
  type Plan,
  type Run,
  type RunApproval,
  type RunStep,
} from "@/db/schema";
import type { RunbookDefinition } from "@/lib/runbooks/definition";
import { AppError } from "../errors";
import { TERMINAL_RUN_STATUSES, type MachineRun, type MachineStep } from "./machine/types";

/** A run as stored, with the runbook version it is pinned to. */
export type StoredRun = {
  row: Run;
  steps: RunStep[];
  approvals: RunApproval[];
  definition: RunbookDefinition;
  versionNumber: number;
};

/** Loads a run and locks its row, so commands on one run apply one at a time. */
export async function loadRunForUpdate(db: Queryable, runId: string): Promise<StoredRun> {
  const [row] = await db.select().from(runs).where(eq(runs.id, runId)).for("update");
  if (!row) throw AppError.field("runId", "There is no run with this id.", "NOT_FOUND");
  return loadRest(db, row);
}

export async function loadRun(db: Queryable, runId: string): Promise<StoredRun> {
  const [row] = await db.select().from(runs).where(eq(runs.id, runId));
  if (!row) throw AppError.field("runId", "There is no run with this id.", "NOT_FOUND");
  return loadRest(db, row);
}

async function loadRest(db: Queryable, row: Run): Promise<StoredRun> {
  const [version] = await db.select().from(runbookVersions).where(eq(runbookVersions.id, row.runbookVersionId));
  const steps = await db.select().from(runSteps).where(eq(runSteps.runId, row.id)).orderBy(asc(runSteps.position));
  const approvals = await db
    .select()
    .from(runApprovals)
    .where(eq(runApprovals.runId, row.id))
    .orderBy(asc(runApprovals.createdAt), asc(runApprovals.id));
  return { row, steps, approvals, definition: version!.definition, versionNumber: version!.number };
}

export function toMachineRun(stored: StoredRun): MachineRun {
  return {
    status: stored.row.status,
    runbookVersionId: stored.row.runbookVersionId,
    inputsHash: stored.row.inputsHash,
    startedBy: stored.row.startedBy,
    inputs: stored.row.inputs,
    aborting: stored.row.abortReason !== null,
    steps: stored.steps.map((step) => toMachineStep(step, stored.approvals)),
  };
}

function toMachineStep(step: RunStep, approvals: RunApproval[]): MachineStep {
  return {
    id: step.stepId,
    kind: step.kind,
    status: step.status,
    attempt: step.attempt,
    planHash: step.planHash,
    coveredPlans: step.coveredPlans
      ? Object.fromEntries(Object.entries(step.coveredPlans).map(([id, covered]) => [id, covered.hash]))
      : null,
    bindingHash: step.bindingHash,
    approvals: approvals
      .filter((a) => a.stepId === step.stepId)
      .map((a) => ({
        userId: a.userId,
        decision: a.decision,
        bindingHash: a.bindingHash,
        attempt: a.attempt,
        expiresAt: a.expiresAt ? a.expiresAt.getTime() : null,
        voided: a.voidedAt !== null,
      })),
    output: step.output,
    compensationAttempt: step.compensationAttempt,
    activeJob: step.activeJob,
  };
}

/** Columns a command writes beside the machine's own state (plans, evidence, who acted, errors). */
export type StepPatch = Partial<
  Pick<
    RunStep,
    | "plan"
    | "evidence"
    | "error"
    | "skipReason"
    | "actorUserId"
    | "actorLabel"
    | "startedAt"
    | "endedAt"
    | "heartbeatAt"
    | "progress"
    | "progressMessage"
  >
>;

export type PersistDetails = {
  /** Extra columns for the command's step. */
  patch?: StepPatch;
  /** For plans computed on behalf of an approval: the covered step's plan, kept for the approver to read. */
  coveredPlan?: { approvalId: string; stepId: string; plan?: Plan; note?: string };
  /** For a new approval decision. */
  decision?: { userLabel: string; comment: string | null };
  /** For approvals voided by this command. */
  voidReason?: string;
  abortReason?: string;
};

/** Writes the machine's next state over the stored one; returns the run's new version. */
export async function persistRun(
  db: Queryable,
  stored: StoredRun,
  next: MachineRun,
  commandStepId: string | null,
  details: PersistDetails,
): Promise<number> {
  const now = new Date();
  const version = stored.row.version + 1;
  const ended = TERMINAL_RUN_STATUSES.has(next.status);
  await db
    .update(runs)
    .set({
      status: next.status,
      version,
      updatedAt: now,
      endedAt: ended ? now : null,
      abortReason: next.aborting ? (stored.row.abortReason ?? details.abortReason ?? "aborted") : null,
    })
    .where(eq(runs.id, stored.row.id));

  for (const [index, step] of next.steps.entries()) {
    const before = stored.steps[index]!;
    const patch = step.id === commandStepId ? (details.patch ?? {}) : {};
    const coveredPlans = mergeCoveredPlans(before, step, details);
    const coveredPlan = details.coveredPlan?.stepId === step.id ? details.coveredPlan : null;
    const changed =
      before.status !== step.status ||
      before.attempt !== step.attempt ||
      before.planHash !== step.planHash ||
      before.bindingHash !== step.bindingHash ||
      before.compensationAttempt !== step.compensationAttempt ||
      JSON.stringify(before.activeJob) !== JSON.stringify(step.activeJob) ||
      JSON.stringify(before.output) !== JSON.stringify(step.output) ||
      JSON.stringify(before.coveredPlans) !== JSON.stringify(coveredPlans) ||
      Object.keys(patch).length > 0 ||
      coveredPlan !== null;
    if (!changed) continue;
    const finished = [
      "succeeded",
      "failed",
      "refused",
      "skipped",
      "not_applicable",
      "compensated",
      "compensation_failed",
      "compensation_skipped",
      "interrupted",
    ].includes(step.status);
    await db
      .update(runSteps)
      .set({
        status: step.status,
        attempt: step.attempt,
        planHash: step.planHash,
        bindingHash: step.bindingHash,
        compensationAttempt: step.compensationAttempt,
        activeJob: step.activeJob,
        output: step.output,
        coveredPlans,
        ...(coveredPlan?.plan ? { plan: coveredPlan.plan } : {}),
        ...(before.status !== step.status && finished ? { endedAt: now } : {}),
        ...(step.status === "pending" || step.status === "planning" ? { endedAt: null } : {}),
        ...patch,
        updatedAt: now,
      })
      .where(and(eq(runSteps.runId, stored.row.id), eq(runSteps.stepId, step.id)));
    await persistApprovals(db, stored, step, details, now);
  }
  return version;
}

function mergeCoveredPlans(before: RunStep, step: MachineStep, details: PersistDetails): RunStep["coveredPlans"] {
  if (!step.coveredPlans) return null;
  const merged: NonNullable<RunStep["coveredPlans"]> = {};
  for (const [id, hash] of Object.entries(step.coveredPlans)) {
    const previous = before.coveredPlans?.[id];
    const fresh =
      details.coveredPlan?.approvalId === step.id && details.coveredPlan.stepId === id ? details.coveredPlan : null;
    merged[id] = {
      hash,
      ...(fresh?.plan ? { plan: fresh.plan } : previous?.plan && previous.hash === hash ? { plan: previous.plan } : {}),
      // Why a plan is deferred stays with it until the plan itself changes.
      ...(fresh?.note ? { note: fresh.note } : previous?.note && previous.hash === hash ? { note: previous.note } : {}),
    };
  }
  return merged;
}

async function persistApprovals(
  db: Queryable,
  stored: StoredRun,
  step: MachineStep,
  details: PersistDetails,
  now: Date,
) {
  const existing = stored.approvals.filter((a) => a.stepId === step.id);
  for (const [i, approval] of step.approvals.entries()) {
    const row = existing[i];
    if (!row) {
      await db.insert(runApprovals).values({
        runId: stored.row.id,
        stepId: step.id,
        attempt: approval.attempt,
        userId: approval.userId,
        userLabel: details.decision?.userLabel ?? "unknown",
        decision: approval.decision,
        comment: details.decision?.comment ?? null,
        bindingHash: approval.bindingHash,
        expiresAt: approval.expiresAt ? new Date(approval.expiresAt) : null,
        createdAt: now,
      });
    } else if (approval.voided && !row.voidedAt) {
      await db
        .update(runApprovals)
        .set({ voidedAt: now, voidReason: details.voidReason ?? "voided" })
        .where(eq(runApprovals.id, row.id));
    }
  }
}

import { and, desc, eq, inArray, notInArray, or, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { auditEvents, runbooks, runs, users, type RunStatus } from "@/db/schema";
import { hasRole } from "@/lib/roles";
import type { StepDefinition } from "@/lib/runbooks/definition";
import type { SessionUser } from "../auth/sessions";
import { holdersOf } from "../engine/locks";
import { currentStepIndex, stepsNeedingApproval, validApprovals } from "../engine/machine/transition";
import { confirmByHandOf, TERMINAL_RUN_STATUSES } from "../engine/machine/types";
import { loadRun, toMachineRun, type StoredRun } from "../engine/run-state";
import { incidentLinkOf } from "../incidents/queries";
import { displayText } from "./display-text";
import { instanceWaitOf } from "./instance-wait";
import { mayAbort, stepPermissions } from "./permissions";

const ENDED: RunStatus[] = [...TERMINAL_RUN_STATUSES];

/** Everything the run page shows, and what this viewer may do now (the server checks again). */
export async function getRunView(db: Queryable, runId: string, viewer: SessionUser, now = Date.now()) {
  const stored = await loadRun(db, runId);
  const machine = toMachineRun(stored);
  const [starter] = await db
    .select({ id: users.id, email: users.email, name: users.name })
    .from(users)
    .where(eq(users.id, stored.row.startedBy));
  const [runbook] = await db
    .select({ title: runbooks.title, risk: runbooks.risk })
    .from(runbooks)
    .where(eq(runbooks.id, stored.row.runbookId));
  const currentIndex = currentStepIndex(machine);
  const ended = ENDED.includes(stored.row.status);
  const aborting = stored.row.abortReason !== null;
  // What this viewer may do: the state machine's answer to each command they could send (permissions.ts).
  const machineContext = { definition: stored.definition, now };
  const actor = { userId: viewer.id, role: viewer.role };
  const lockHolders = stored.row.status === "queued" ? await holdersOf(db, stored.row.lockKeys, stored.row.id) : [];
  const displayScope = {
    inputs: Object.fromEntries(Object.entries(stored.row.inputs).filter(([, v]) => typeof v !== "object")),
    steps: Object.fromEntries(stored.steps.map((s) => [s.stepId, { status: s.status, output: s.output }])),
    run: { id: stored.row.id, number: stored.row.number, startedBy: starter?.email ?? "" },
  };

  const steps = stored.steps.map((row, index) => {
    const definition = stored.definition.steps[index]!;
    const isCurrent = index === currentIndex && !ended && !aborting;
    const machineStep = machine.steps[index]!;
    const approvalsNow = definition.kind === "approval" ? validApprovals(machineStep, now).length : 0;
    // The actions this approval covers, still to run: it cannot be skipped, and the page says why.
    const neededBy = stepsNeedingApproval({ definition: stored.definition }, machine, index).map((d) =>
      displayText(d.title, displayScope, stored.definition),
    );
    return {
      id: row.stepId,
      position: index,
      kind: row.kind,
      title: displayText(definition.title, displayScope, stored.definition),
      instructions: definition.instructions
        ? displayText(definition.instructions, displayScope, stored.definition)
        : null,
      status: row.status,
      attempt: row.attempt,
      isCurrent,
      plan: row.plan,
      planHash: row.planHash,
      coveredPlans: row.coveredPlans,
      bindingHash: row.bindingHash,
      evidence: row.evidence,
      output: row.output,
      error: row.error,
      skipReason: row.skipReason,
      /** A check that verified nothing by itself: why, while it waits for a person, and after. */
      confirmByHand: row.kind === "check" ? confirmByHandOf(row.output) : null,
      cancelledWithRun: (ended || aborting) && row.status === "skipped" && !row.skipReason,
      neededBy,
      actorLabel: row.actorLabel,
      progress: row.progress,
      progressMessage: row.progressMessage,
      startedAt: row.startedAt,
      endedAt: row.endedAt,
      ...describeDefinition(definition),
      approvals: stored.approvals
        .filter((a) => a.stepId === row.stepId)
        .map((a) => ({
          userLabel: a.userLabel,
          decision: a.decision,
          comment: a.comment,
          attempt: a.attempt,
          createdAt: a.createdAt,
          voided: a.voidedAt !== null,
          voidReason: a.voidReason,
          expiresAt: a.expiresAt,
        })),
      approvalsNow,
      can: stepPermissions(machineContext, machine, actor, row.stepId),
    };
  });

  return {
    id: stored.row.id,
    number: stored.row.number,
    status: stored.row.status,
    version: stored.row.version,
    runbook: {
      id: stored.row.runbookId,
      title: runbook?.title ?? stored.definition.title,
      risk: runbook?.risk ?? stored.definition.risk,
      versionNumber: stored.versionNumber,
    },
    startedBy: starter ?? null,
    createdAt: stored.row.createdAt,
    endedAt: stored.row.endedAt,
    incidentId: stored.row.incidentId,
    incident: await incidentLinkOf(db, stored.row.incidentId),
    abortReason: stored.row.abortReason,
    inputs: describeInputs(stored),
    locks: { keys: stored.row.lockKeys, waitingBehind: lockHolders },
    /** A step waiting for a worker group no live instance serves (instance-wait.ts). */
    waitingForInstance: ended ? null : await instanceWaitOf(db, stored),
    currentStepId: currentIndex >= 0 && !ended ? stored.steps[currentIndex]!.stepId : null,
    steps,
    can: {
      abort: mayAbort(machineContext, machine, actor),
      compensations: stored.steps
        .map((row, i) => ({ row, definition: stored.definition.steps[i]! }))
        .filter(({ row, definition }) => row.status === "succeeded" && definition.compensation)
        .reverse()
        .map(({ row, definition }) => ({
          stepId: row.stepId,
          title: displayText(definition.title, displayScope, stored.definition),
          action: definition.compensation!.action,
        })),
    },
  };
}

export type RunView = Awaited<ReturnType<typeof getRunView>>;
export type RunStepView = RunView["steps"][number];

function describeDefinition(definition: StepDefinition) {
  return {
    action: definition.kind === "action" ? definition.action : null,
    check: definition.kind === "check" ? definition.check : null,
    expect: definition.kind === "check" ? definition.expect : null,
    // A check confirmed by hand always needs evidence of what the person checked.
    evidenceMode:
      definition.kind === "manual" ? definition.evidence : definition.kind === "check" ? ("required" as const) : null,
    approvalsRequired: definition.kind === "approval" ? definition.approvals : null,
    approvalRole: definition.kind === "approval" ? definition.role : null,
    approvalExpiresIn: definition.kind === "approval" ? (definition.expiresIn ?? null) : null,
    compensation: definition.compensation?.action ?? null,
    conditional: Boolean(definition.when),
  };
}

function describeInputs(stored: StoredRun) {
  return stored.definition.inputs.map((input) => {
    const value = stored.row.inputs[input.name];
    const secret = typeof value === "object" && value !== null && "secret" in value;
    return {
      name: input.name,
      label: input.label,
      type: input.type,
      value: secret ? null : value === undefined ? null : String(value),
      fingerprint: secret ? (value as { fingerprint: string }).fingerprint : null,
    };
  });
}

/** Runs for the runs list. "needs-me": waiting for an action this viewer can take. */
export async function listRuns(
  db: Queryable,
  viewer: SessionUser,
  options: { filter: "active" | "needs-me" | "ended" | "all"; runbookId?: string; limit: number },
) {
  const conditions = [];
  if (options.runbookId) conditions.push(eq(runs.runbookId, options.runbookId));
  if (options.filter === "active") conditions.push(notInArray(runs.status, ENDED));
  if (options.filter === "ended") conditions.push(inArray(runs.status, ENDED));
  if (options.filter === "needs-me") {
    conditions.push(
      or(
        and(eq(runs.startedBy, viewer.id), inArray(runs.status, ["waiting_operator", "failed", "interrupted"])),
        hasRole(viewer.role, "lead")
          ? and(eq(runs.status, "waiting_approval"), sql`${runs.startedBy} <> ${viewer.id}`)
          : sql`false`,
      ),
    );
  }
  return db
    .select({
      id: runs.id,
      number: runs.number,
      status: runs.status,
      runbookId: runs.runbookId,
      runbookTitle: runbooks.title,
      risk: runbooks.risk,
      startedBy: users.email,
      createdAt: runs.createdAt,
      updatedAt: runs.updatedAt,
      endedAt: runs.endedAt,
    })
    .from(runs)
    .innerJoin(runbooks, eq(runbooks.id, runs.runbookId))
    .innerJoin(users, eq(users.id, runs.startedBy))
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(desc(runs.number))
    .limit(options.limit);
}

/** The run's history, straight from the audit trail. */
export async function runHistory(db: Queryable, runId: string) {
  return db
    .select({
      seq: auditEvents.seq,
      eventType: auditEvents.eventType,
      actorLabel: auditEvents.actorLabel,
      outcome: auditEvents.outcome,
      eventMeta: auditEvents.eventMeta,
      createdAt: auditEvents.createdAt,
    })
    .from(auditEvents)
    .where(and(eq(auditEvents.entityType, "run"), eq(auditEvents.entityId, runId)))
    .orderBy(auditEvents.seq);
}

import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { runbooks, runbookVersions, runs, runSecrets, runSteps, type StoredInputValue } from "@/db/schema";
import { buildInputSchema, secretInputNames, type RefOptions } from "@/lib/runbooks/input-schema";
import { fieldErrorsOf } from "@/lib/validation/field-errors";
import { appendAuditEvent } from "../audit/append";
import type { Actor } from "../audit/actor";
import { canonicalJson } from "../audit/canonical-json";
import { fingerprintSecret } from "../audit/fingerprint";
import { AppError } from "../errors";
import { backupInputProblems } from "../backups/backup-inputs";
import { attachRunToIncident } from "../incidents/commands";
import { notifyRunChanged } from "../live/notify";
import { renderTemplates } from "../runbooks/templates";
import { encryptSecret } from "../security/encryption";
import { carryOutAfterCommit, enqueueJobs, releaseLocksWithRun, writeAuditEffects, type EngineDeps } from "./dispatch";
import { acquireLocks, holdersOf, runsWaitingFor } from "./locks";
import { initialRun, transition } from "./machine/transition";
import { loadRunForUpdate, persistRun } from "./run-state";

export type StartRunInput = {
  runbookId: string;
  inputs: Record<string, unknown>;
  /** Made once per form: submitting the same form twice starts one run. */
  requestKey: string;
  incidentId?: string | null;
};

export type StartedRun = { runId: string; number: number; created: boolean; status: string };

/**
 * Starts a run of a runbook's current version: validates the inputs with the schema the form
 * used, seals secret inputs, takes the resource locks (or queues behind them, or refuses, as the
 * runbook says), records the start, and sets the first step going.
 */
export async function startRun(
  deps: EngineDeps,
  starter: Actor & { userId: string },
  input: StartRunInput,
  refOptions: RefOptions = {},
): Promise<StartedRun> {
  const existing = await findByRequestKey(deps, starter.userId, input.requestKey);
  if (existing) return existing;

  const [runbook] = await deps.db.select().from(runbooks).where(eq(runbooks.id, input.runbookId));
  if (!runbook?.currentVersionId) throw AppError.field("runbookId", "There is no runbook with this id.", "NOT_FOUND");
  const [version] = await deps.db
    .select()
    .from(runbookVersions)
    .where(eq(runbookVersions.id, runbook.currentVersionId));
  const definition = version!.definition;

  const parsed = buildInputSchema(definition.inputs, refOptions).safeParse(input.inputs);
  const problems = parsed.success
    ? await backupInputProblems(deps.db, definition.inputs, parsed.data as Record<string, unknown>)
    : fieldErrorsOf(parsed.error);
  if (!parsed.success || Object.keys(problems).length > 0) {
    const fields = Object.fromEntries(Object.entries(problems).map(([name, message]) => [`inputs.${name}`, message]));
    await appendAuditEvent(deps.db, starter, {
      eventType: "run.inputs_refused",
      outcome: "refused",
      entityType: "runbook",
      entityId: runbook.id,
      meta: { runbookId: runbook.id, version: version!.number, fields },
    });
    const labels = Object.keys(problems).map((name) => definition.inputs.find((i) => i.name === name)?.label ?? name);
    throw new AppError(
      "BAD_REQUEST",
      `Check ${labels.length === 1 ? "this field" : "these fields"}: ${labels.join(", ")}.`,
      {
        fields,
      },
    );
  }

  const values = parsed.data as Record<string, unknown>;
  const secretNames = new Set(secretInputNames(definition.inputs));
  const storedInputs: Record<string, StoredInputValue> = {};
  const publicInputs: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if (secretNames.has(name)) storedInputs[name] = { secret: true, fingerprint: fingerprintSecret(String(value)) };
    else storedInputs[name] = publicInputs[name] = value as StoredInputValue;
  }
  const inputsHash = createHash("sha256").update(canonicalJson(storedInputs)).digest("hex");
  // Lock keys may only use inputs (runbooks:check enforces it), so they are known before the run exists.
  const lockScope = { inputs: publicInputs, steps: {}, run: { id: "", number: 0, startedBy: starter.label } };
  const locks = definition.locks.map((lock) => ({
    key: String(renderTemplates(lock.key, lockScope)),
    onBusy: lock.onBusy,
  }));
  const lockKeys = [...new Set(locks.map((l) => l.key))].sort();
  const refuseWhenBusy = new Set(locks.filter((l) => l.onBusy === "refuse").map((l) => l.key));

  let outcome;
  try {
    outcome = await deps.db.transaction(async (tx) => {
      if (input.incidentId) await attachRunToIncident(tx, input.incidentId);
      const [row] = await tx
        .insert(runs)
        .values({
          runbookId: runbook.id,
          runbookVersionId: version!.id,
          status: "running",
          inputs: storedInputs,
          inputsHash,
          startedBy: starter.userId,
          requestKey: input.requestKey,
          incidentId: input.incidentId ?? null,
          lockKeys,
        })
        .returning({ id: runs.id, number: runs.number });
      const runId = row!.id;
      // Queued runs go first: a free lock that an older run waits for is not taken (the sweeper wakes that run).
      const waiting = await runsWaitingFor(tx, lockKeys);
      const taken =
        waiting.length > 0
          ? { acquired: false as const, holders: await holdersOf(tx, lockKeys, runId) }
          : await acquireLocks(tx, runId, lockKeys);
      if (!taken.acquired) {
        const blocking = taken.holders.filter((h) => refuseWhenBusy.has(h.key));
        if (blocking.length > 0) {
          const holder = blocking[0]!;
          throw new AppError(
            "CONFLICT",
            `${holder.key} is in use by run ${holder.runNumber}, started by ${holder.startedBy}. Try again when it has finished.`,
            {
              holders: blocking,
            },
          );
        }
        const queuedFor = waiting.find((run) => run.lockKeys.some((key) => refuseWhenBusy.has(key)));
        if (queuedFor) {
          const key = queuedFor.lockKeys.find((k) => refuseWhenBusy.has(k))!;
          throw new AppError(
            "CONFLICT",
            `${key} is about to be taken by queued run ${queuedFor.number}. Try again when it has finished.`,
            { holders: [] },
          );
        }
      }
      const waitingForLock = !taken.acquired;
      await tx.insert(runSteps).values(
        definition.steps.map((step, position) => ({
          runId,
          stepId: step.id,
          position,
          kind: step.kind,
          status: "pending" as const,
        })),
      );
      for (const name of secretNames) {
        const value = values[name];
        if (typeof value !== "string") continue;
        await tx.insert(runSecrets).values({
          runId,
          inputName: name,
          ciphertext: encryptSecret(value, `run:${runId}:input:${name}`),
          fingerprint: fingerprintSecret(value),
        });
      }
      await appendAuditEvent(tx, starter, {
        eventType: "run.started",
        outcome: "success",
        entityType: "run",
        entityId: runId,
        meta: {
          runNumber: row!.number,
          runbookId: runbook.id,
          version: version!.number,
          inputs: storedInputs,
          lockKeys,
          ...(taken.acquired ? {} : { queuedBehind: taken.holders }),
          ...(input.incidentId ? { incidentId: input.incidentId } : {}),
        },
      });
      const stored = await loadRunForUpdate(tx, runId);
      const start = initialRun({
        definition,
        runbookVersionId: version!.id,
        inputs: publicInputs,
        inputsHash,
        startedBy: starter.userId,
        waitingForLock,
      });
      const result = transition({ definition, now: deps.now() }, start, { type: "start" });
      if (!result.ok) throw new AppError(result.refusal.code, result.refusal.message);
      const runVersion = await persistRun(tx, stored, result.run, null, {});
      await writeAuditEffects(tx, stored, starter, result.effects);
      await releaseLocksWithRun(tx, stored, result.effects);
      await enqueueJobs(deps.queue, tx, stored, result.effects);
      await notifyRunChanged(tx, runId, runVersion);
      return { stored, effects: result.effects, runId, number: row!.number, status: result.run.status };
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      const raced = await findByRequestKey(deps, starter.userId, input.requestKey);
      if (raced) return raced;
    }
    if (error instanceof AppError && error.code === "CONFLICT") {
      await appendAuditEvent(deps.db, starter, {
        eventType: "run.start_refused",
        outcome: "refused",
        entityType: "runbook",
        entityId: runbook.id,
        meta: { runbookId: runbook.id, version: version!.number, reason: error.message },
      });
    }
    throw error;
  }
  await carryOutAfterCommit(deps, outcome.effects);
  return { runId: outcome.runId, number: outcome.number, created: true, status: outcome.status };
}

async function findByRequestKey(deps: EngineDeps, userId: string, requestKey: string): Promise<StartedRun | null> {
  const [row] = await deps.db
    .select({ id: runs.id, number: runs.number, status: runs.status })
    .from(runs)
    .where(and(eq(runs.startedBy, userId), eq(runs.requestKey, requestKey)));
  return row ? { runId: row.id, number: row.number, created: false, status: row.status } : null;
}

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: string }).code === "23505") return true;
  }
  return false;
}

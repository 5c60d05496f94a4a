import { and, eq, max } from "drizzle-orm";
import type { Database } from "@/db/client";
import { managedSecrets, secretVersions } from "@/db/schema";
import { appendAuditEvent } from "../../audit/append";
import type { Actor } from "../../audit/actor";
import { fingerprintSecret } from "../../audit/fingerprint";
import { AppError } from "../../errors";
import { encryptSecret } from "../../security/encryption";
import { generateSecretValue } from "../generate";
import { secretAad } from "../store";
import { describeRun, rotationState, versionLabel, versionValue } from "./state";

export type PendingVersion = { version: number; fingerprint: string; value: string; created: boolean };

/**
 * Claims the secret for this run and stores a new value, generated per its policy, encrypted and
 * labelled pending. Repeating it (a crash, a resumed attempt, a retry) finds the version this
 * run already created instead of making another. A secret claimed by another run is refused,
 * naming that run; the refusal is recorded.
 */
export async function createPendingVersion(
  db: Database,
  actor: Actor,
  params: { name: string; runId: string },
): Promise<PendingVersion> {
  const refusal = await db.transaction(async (tx) => {
    const state = await rotationState(tx, params.name, params.runId, { forUpdate: true });
    const { secret } = state;
    const foreignPending = state.pending && state.pending.createdByRunId !== params.runId ? state.pending : null;
    const holder =
      secret.rotationRunId && secret.rotationRunId !== params.runId
        ? secret.rotationRunId
        : (foreignPending?.createdByRunId ?? null);
    if (holder || foreignPending) {
      const run = holder ? await describeRun(tx, holder) : { runNumber: null, text: "" };
      const message = holder
        ? `The secret "${secret.name}" is already being rotated by ${run.text}. Finish or abort that run first; nothing was changed.`
        : `The secret "${secret.name}" already has a pending ${versionLabel(foreignPending!)} that no run owns; an admin must remove it before a rotation. Nothing was changed.`;
      await appendAuditEvent(tx, actor, {
        eventType: "secret.rotation_refused",
        outcome: "refused",
        entityType: "secret",
        entityId: secret.name,
        meta: { name: secret.name, runId: params.runId, heldBy: holder, heldByRunNumber: run.runNumber },
      });
      return message;
    }
    if (state.ours)
      return {
        version: state.ours.version,
        fingerprint: state.ours.fingerprint,
        value: versionValue(secret, state.ours),
        created: false,
      };
    const value = generateSecretValue(secret.policy);
    const [top] = await tx
      .select({ n: max(secretVersions.version) })
      .from(secretVersions)
      .where(eq(secretVersions.secretId, secret.id));
    const version = (top?.n ?? 0) + 1;
    const fingerprint = fingerprintSecret(value);
    await tx.insert(secretVersions).values({
      secretId: secret.id,
      version,
      label: "pending",
      ciphertext: encryptSecret(value, secretAad(secret.id, version)),
      fingerprint,
      createdByRunId: params.runId,
    });
    await tx
      .update(managedSecrets)
      .set({ rotationRunId: params.runId, updatedAt: new Date() })
      .where(eq(managedSecrets.id, secret.id));
    await appendAuditEvent(tx, actor, {
      eventType: "secret.pending_created",
      outcome: "success",
      entityType: "secret",
      entityId: secret.name,
      meta: {
        name: secret.name,
        runId: params.runId,
        version,
        fingerprint,
        current: state.current ? versionLabel(state.current) : null,
      },
    });
    return { version, fingerprint, value, created: true };
  });
  if (typeof refusal === "string") throw AppError.field("secret", refusal, "CONFLICT");
  return refusal;
}

/** The pending value this run created, for the steps that hand it out and test it. */
export async function readOwnPending(db: Database, params: { name: string; runId: string }) {
  const state = await rotationState(db, params.name, params.runId);
  if (!state.ours || state.ours.label !== "pending") return { state, pending: null };
  return {
    state,
    pending: {
      version: state.ours.version,
      fingerprint: state.ours.fingerprint,
      value: versionValue(state.secret, state.ours),
    },
  };
}

/**
 * Undoes an unpromoted rotation: removes the pending version this run created and releases the
 * claim. Safe to repeat; after a promotion it only releases the claim.
 */
export async function discardPendingVersion(
  db: Database,
  actor: Actor,
  params: { name: string; runId: string },
): Promise<{ discarded: number | null; released: boolean }> {
  return db.transaction(async (tx) => {
    const state = await rotationState(tx, params.name, params.runId, { forUpdate: true });
    const discard = state.ours?.label === "pending" ? state.ours : null;
    if (discard)
      await tx
        .delete(secretVersions)
        .where(and(eq(secretVersions.id, discard.id), eq(secretVersions.label, "pending")));
    const released = state.secret.rotationRunId === params.runId;
    if (released)
      await tx
        .update(managedSecrets)
        .set({ rotationRunId: null, updatedAt: new Date() })
        .where(eq(managedSecrets.id, state.secret.id));
    if (discard || released) {
      await appendAuditEvent(tx, actor, {
        eventType: "secret.rotation_abandoned",
        outcome: "success",
        entityType: "secret",
        entityId: state.secret.name,
        meta: {
          name: state.secret.name,
          runId: params.runId,
          discarded: discard ? versionLabel(discard) : null,
          claimReleased: released,
        },
      });
    }
    return { discarded: discard?.version ?? null, released };
  });
}

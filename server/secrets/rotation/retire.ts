import { and, eq, lte } from "drizzle-orm";
import type { Database, Queryable } from "@/db/client";
import { managedSecrets, secretVersions, type ManagedSecret, type SecretVersion } from "@/db/schema";
import { appendAuditEvent } from "../../audit/append";
import { systemActor, type Actor } from "../../audit/actor";
import { getLogger } from "../../observability/logger";
import { rotationState, versionLabel } from "./state";

async function retire(
  tx: Queryable,
  actor: Actor,
  secret: ManagedSecret,
  version: SecretVersion,
  now: Date,
  reason: string,
  runId: string | null,
) {
  await tx
    .update(secretVersions)
    .set({ label: "retired", retiredAt: now })
    .where(and(eq(secretVersions.id, version.id), eq(secretVersions.label, "previous")));
  await appendAuditEvent(tx, actor, {
    eventType: "secret.retired",
    outcome: "success",
    entityType: "secret",
    entityId: secret.name,
    meta: { name: secret.name, version: versionLabel(version), reason, ...(runId ? { runId } : {}) },
  });
}

export type RotationEnd = {
  previous: number | null;
  fingerprint: string | null;
  retiredNow: boolean;
  retiresAt: Date | null;
  claimReleased: boolean;
};

/**
 * Ends this run's rotation: the version it replaced is retired now if its grace period is over
 * (or was zero), otherwise it stays previous until `retireAfter`, when the retirement sweep
 * retires it. The claim on the secret is released either way. Safe to repeat.
 */
export async function completeRotation(
  db: Database,
  actor: Actor,
  params: { name: string; runId: string; now: Date },
): Promise<RotationEnd> {
  return db.transaction(async (tx) => {
    const state = await rotationState(tx, params.name, params.runId, { forUpdate: true });
    const { secret, previous } = state;
    const replaced = state.ours && state.ours.label === "current" ? previous : null;
    let retiredNow = false;
    if (replaced && replaced.retireAfter && replaced.retireAfter <= params.now) {
      await retire(
        tx,
        actor,
        secret,
        replaced,
        params.now,
        "its grace period ended when the rotation finished",
        params.runId,
      );
      retiredNow = true;
    }
    const claimReleased = secret.rotationRunId === params.runId;
    if (claimReleased) {
      await tx
        .update(managedSecrets)
        .set({ rotationRunId: null, updatedAt: params.now })
        .where(eq(managedSecrets.id, secret.id));
      await appendAuditEvent(tx, actor, {
        eventType: "secret.rotation_completed",
        outcome: "success",
        entityType: "secret",
        entityId: secret.name,
        meta: {
          name: secret.name,
          runId: params.runId,
          current: state.ours ? versionLabel(state.ours) : null,
          previousRetiresAt: replaced && !retiredNow ? replaced.retireAfter?.toISOString() : null,
        },
      });
    }
    return {
      previous: replaced?.version ?? null,
      fingerprint: replaced?.fingerprint ?? null,
      retiredNow,
      retiresAt: replaced && !retiredNow ? replaced.retireAfter : null,
      claimReleased,
    };
  });
}

/**
 * Retires every previous version whose grace period has ended. The engine's sweeper calls it
 * every few seconds: the due time is stored with the version at promotion, in the same
 * transaction, so no restart or lost job can leave an old value accepted past its grace.
 */
export async function retireDueVersions(db: Database, now: Date = new Date()): Promise<number> {
  const due = await db
    .select({ name: managedSecrets.name })
    .from(secretVersions)
    .innerJoin(managedSecrets, eq(managedSecrets.id, secretVersions.secretId))
    .where(and(eq(secretVersions.label, "previous"), lte(secretVersions.retireAfter, now)));
  let retired = 0;
  for (const { name } of due) {
    try {
      await db.transaction(async (tx) => {
        const state = await rotationState(tx, name, "00000000-0000-0000-0000-000000000000", { forUpdate: true });
        const previous = state.previous;
        if (!previous?.retireAfter || previous.retireAfter > now) return;
        await retire(tx, systemActor(), state.secret, previous, now, "its grace period ended", null);
        retired++;
      });
    } catch (error) {
      getLogger().error({ err: error, secret: name }, "could not retire a previous secret version");
    }
  }
  return retired;
}

import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { managedSecrets, secretVersions } from "@/db/schema";
import { appendAuditEvent } from "../../audit/append";
import type { Actor } from "../../audit/actor";
import { AppError } from "../../errors";
import { rotationState, versionLabel } from "./state";

export type Promotion = {
  promoted: number;
  fingerprint: string;
  previous: number | null;
  retiredEarly: number | null;
  retireAfter: Date | null;
  alreadyDone: boolean;
};

/**
 * Makes this run's pending value the one in use: the previous previous (if any) is retired, the
 * current value becomes previous (still accepted until `retireAfter`), the pending one becomes
 * current. Afterwards there is exactly one current and at most one previous. Repeating it after
 * it happened changes nothing.
 */
export async function promotePendingVersion(
  db: Database,
  actor: Actor,
  params: { name: string; runId: string; graceSeconds: number; now: Date },
): Promise<Promotion> {
  return db.transaction(async (tx) => {
    const state = await rotationState(tx, params.name, params.runId, { forUpdate: true });
    const { secret, ours, current, previous } = state;
    if (ours && ours.label !== "pending") {
      return {
        promoted: ours.version,
        fingerprint: ours.fingerprint,
        previous: previous?.version ?? null,
        retiredEarly: null,
        retireAfter: previous?.retireAfter ?? null,
        alreadyDone: true,
      };
    }
    if (!ours)
      throw AppError.field(
        "secret",
        `This run has no pending version of "${secret.name}" to promote; the create-pending step must run first.`,
        "PRECONDITION_FAILED",
      );
    if (secret.rotationRunId !== params.runId)
      throw AppError.field(
        "secret",
        `This run no longer holds the rotation of "${secret.name}"; nothing was changed.`,
        "CONFLICT",
      );
    const now = params.now;
    const retireAfter = new Date(now.getTime() + params.graceSeconds * 1000);
    // Labels move oldest first, so the one-live-label-each index holds after every statement.
    if (previous)
      await tx
        .update(secretVersions)
        .set({ label: "retired", retiredAt: now, retireAfter: null })
        .where(eq(secretVersions.id, previous.id));
    if (current)
      await tx.update(secretVersions).set({ label: "previous", retireAfter }).where(eq(secretVersions.id, current.id));
    await tx.update(secretVersions).set({ label: "current", promotedAt: now }).where(eq(secretVersions.id, ours.id));
    await tx.update(managedSecrets).set({ lastRotatedAt: now, updatedAt: now }).where(eq(managedSecrets.id, secret.id));
    await appendAuditEvent(tx, actor, {
      eventType: "secret.promoted",
      outcome: "success",
      entityType: "secret",
      entityId: secret.name,
      meta: {
        name: secret.name,
        runId: params.runId,
        current: versionLabel(ours),
        previous: current ? versionLabel(current) : null,
        previousRetireAfter: current ? retireAfter.toISOString() : null,
        retiredEarly: previous ? versionLabel(previous) : null,
      },
    });
    return {
      promoted: ours.version,
      fingerprint: ours.fingerprint,
      previous: current?.version ?? null,
      retiredEarly: previous?.version ?? null,
      retireAfter: current ? retireAfter : null,
      alreadyDone: false,
    };
  });
}

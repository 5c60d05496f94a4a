import { eq } from "drizzle-orm";
import type { Queryable, Transaction } from "@/db/client";
import { deployments, type Deployment, type ReleaseSource } from "@/db/schema";
import { appendAuditEvent } from "../audit/append";
import type { Actor } from "../audit/actor";

export type NewRelease = {
  service: string;
  version: string;
  commit?: string | null;
  description?: string;
  deployedAt?: Date;
  source: ReleaseSource;
  recordedBy: string | null;
  /** Recording twice with the same key keeps one row (a retried run step). */
  idempotencyKey?: string | null;
};

/** Adds a release to a service's history, with its audit row, in one transaction. */
export async function recordRelease(
  db: Queryable,
  actor: Actor,
  release: NewRelease,
  extraAudit: Record<string, unknown> = {},
  /** More writes that commit or roll back with the release (an API token's last use). */
  alsoInTransaction?: (tx: Transaction) => Promise<void>,
): Promise<{ deployment: Deployment; created: boolean }> {
  return db.transaction(async (tx) => {
    if (release.idempotencyKey) {
      const [existing] = await tx
        .select()
        .from(deployments)
        .where(eq(deployments.idempotencyKey, release.idempotencyKey));
      if (existing) return { deployment: existing, created: false };
    }
    const [row] = await tx
      .insert(deployments)
      .values({
        service: release.service,
        version: release.version,
        commit: release.commit ?? null,
        description: release.description ?? "",
        deployedAt: release.deployedAt ?? new Date(),
        source: release.source,
        recordedBy: release.recordedBy,
        idempotencyKey: release.idempotencyKey ?? null,
      })
      .returning();
    await appendAuditEvent(tx, actor, {
      eventType: "deployment.recorded",
      outcome: "success",
      entityType: "service",
      entityId: release.service,
      meta: {
        deploymentId: row!.id,
        service: release.service,
        version: release.version,
        commit: release.commit ?? null,
        source: release.source,
        ...extraAudit,
      },
    });
    if (alsoInTransaction) await alsoInTransaction(tx);
    return { deployment: row!, created: true };
  });
}

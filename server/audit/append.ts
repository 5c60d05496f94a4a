import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { auditChainHead, auditEvents, type AuditOutcome } from "@/db/schema";
import type { Actor } from "./actor";
import { metrics } from "../observability/metrics";
import { chainHash, type ChainedRecord } from "./chain";
import { sanitizeAuditMeta } from "./sanitize";

export type AuditEventInput = {
  eventType: string;
  outcome: AuditOutcome;
  entityType?: string | null;
  entityId?: string | null;
  meta?: Record<string, unknown>;
};

/**
 * Appends one event to the chain. Runs inside the caller's transaction (as a savepoint) so that
 * the row commits or rolls back with the change it records; when it cannot be written, the
 * change does not happen (DESIGN invariant 1: fail closed). Locking the chain head serialises
 * appenders, which keeps the sequence gap-free.
 */
export async function appendAuditEvent(db: Queryable, actor: Actor, input: AuditEventInput): Promise<{ seq: number; hash: string }> {
  const stopTimer = metrics().auditAppend.startTimer();
  return db.transaction(async (tx) => {
    const [head] = await tx
      .select({ seq: auditChainHead.seq, hash: auditChainHead.hash })
      .from(auditChainHead)
      .where(eq(auditChainHead.id, 1))
      .for("update");
    if (!head) throw new Error("audit chain head is missing; migrations have not been applied");
    const record: ChainedRecord = {
      seq: Number(head.seq) + 1,
      id: randomUUID(),
      eventType: input.eventType,
      actorUserId: actor.userId,
      actorLabel: actor.label,
      sessionId: actor.sessionId,
      requestMeta: sanitizeAuditMeta({ ...actor.request }),
      eventMeta: sanitizeAuditMeta(input.meta ?? {}),
      entityType: input.entityType ?? null,
      entityId: input.entityId ?? null,
      outcome: input.outcome,
      createdAt: new Date().toISOString(),
    };
    const hash = chainHash(head.hash, record);
    await tx.insert(auditEvents).values({
      ...record,
      outcome: input.outcome,
      createdAt: new Date(record.createdAt),
      prevHash: head.hash,
      hash,
    });
    await tx
      .update(auditChainHead)
      .set({ seq: record.seq, hash })
      .where(eq(auditChainHead.id, 1));
    stopTimer();
    return { seq: record.seq, hash };
  });
}

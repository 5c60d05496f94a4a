import { randomUUID } from "node:crypto";
import type { Queryable } from "@/db/client";
import { auditEvents, type AuditOutcome } from "@/db/schema";
import type { Actor } from "./actor";
import { metrics } from "../observability/metrics";
import { rowMessage, type ChainedRecord } from "./chain";
import { auditSigner } from "./keys";
import { sanitizeAuditMeta } from "./sanitize";

export type AuditEventInput = {
  eventType: string;
  outcome: AuditOutcome;
  entityType?: string | null;
  entityId?: string | null;
  meta?: Record<string, unknown>;
};

/**
 * Appends one event: a single signed INSERT in the caller's transaction, so the row commits or
 * rolls back with the change it records, and when it cannot be written the change does not
 * happen (DESIGN invariant 1: fail closed). Nothing is locked: the database draws seq, and the
 * chainer (server/audit/chainer.ts) links the row into the chain once it has committed.
 */
export async function appendAuditEvent(db: Queryable, actor: Actor, input: AuditEventInput): Promise<{ seq: number }> {
  const stopTimer = metrics().auditAppend.startTimer();
  const signer = auditSigner();
  const record: Omit<ChainedRecord, "seq"> = {
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
  const keyId = signer.current.keyId;
  const signature = signer.sign(rowMessage({ seq: 0, ...record }, keyId));
  const [row] = await db
    .insert(auditEvents)
    .values({ ...record, outcome: input.outcome, createdAt: new Date(record.createdAt), keyId, signature })
    .returning({ seq: auditEvents.seq });
  stopTimer();
  return { seq: Number(row!.seq) };
}

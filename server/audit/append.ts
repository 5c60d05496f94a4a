import { randomUUID } from "node:crypto";
import type { Queryable } from "@/db/client";
import { sql } from "drizzle-orm";
import { queryRows } from "@/db/execute";
import type { AuditOutcome } from "@/db/schema";
import type { Actor } from "./actor";
import { metrics } from "../observability/metrics";
import { rowMessage, sha256, type ChainedRecord } from "./chain";
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
  const message = rowMessage({ seq: 0, ...record }, keyId);
  const digest = sha256(message);
  // One plain statement: this is the hottest write in Keel, and the insert builder costs more CPU than the row.
  const [row] = await queryRows<{ seq: string }>(
    db,
    sql`insert into audit_events (id, event_type, actor_user_id, actor_label, session_id, request_meta, event_meta, entity_type, entity_id, outcome, created_at, key_id, signature, digest, mac)
        values (${record.id}, ${record.eventType}, ${record.actorUserId}, ${record.actorLabel}, ${record.sessionId}, ${JSON.stringify(record.requestMeta)}::jsonb, ${JSON.stringify(record.eventMeta)}::jsonb,
                ${record.entityType}, ${record.entityId}, ${record.outcome}, ${record.createdAt}::timestamptz, ${keyId}, ${signer.sign(message)}, ${digest}, ${signer.mac(digest)})
        returning seq::text as seq`,
  );
  stopTimer();
  return { seq: Number(row!.seq) };
}

import type { AuditEvent } from "@/db/schema";
import type { ChainedRecord } from "./chain";

/** The fields of a stored row that its hash or signature covers. */
export function toChainedRecord(row: AuditEvent): ChainedRecord {
  return {
    seq: Number(row.seq),
    id: row.id,
    eventType: row.eventType,
    actorUserId: row.actorUserId,
    actorLabel: row.actorLabel,
    sessionId: row.sessionId,
    requestMeta: row.requestMeta as Record<string, unknown>,
    eventMeta: row.eventMeta,
    entityType: row.entityType,
    entityId: row.entityId,
    outcome: row.outcome,
    createdAt: row.createdAt.toISOString(),
  };
}

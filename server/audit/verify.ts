import { asc, eq, gt } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { auditChainHead, auditEvents, type AuditEvent } from "@/db/schema";
import { chainHash, GENESIS_HASH, type ChainedRecord } from "./chain";

export type ChainVerification =
  | { ok: true; count: number }
  | { ok: false; count: number; brokenSeq: number; problem: string };

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

/** Checks one row against the hash before it; the reason it fails, or null when it links. */
export function checkLink(expectedSeq: number, prevHash: string, row: { seq: number; prevHash: string; hash: string; record: ChainedRecord }): string | null {
  if (row.seq !== expectedSeq) {
    return row.seq > expectedSeq
      ? `sequence ${expectedSeq} is missing (the next row is ${row.seq}): a row was deleted`
      : `sequence ${row.seq} appears out of order after ${expectedSeq - 1}`;
  }
  if (row.prevHash !== prevHash) {
    return `its prev_hash does not match the hash of sequence ${expectedSeq - 1}: rows were inserted, deleted or reordered`;
  }
  if (chainHash(prevHash, row.record) !== row.hash) {
    return "its contents do not match its hash: the row was edited";
  }
  return null;
}

/**
 * Walks the whole chain in sequence order, in batches, and reports the first row that breaks it.
 * Also compares the last row with the chain head, which catches rows deleted from the end.
 */
export async function verifyAuditChain(db: Queryable, batchSize = 2000): Promise<ChainVerification> {
  let prevHash = GENESIS_HASH;
  let lastSeq = 0;
  let count = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(auditEvents)
      .where(gt(auditEvents.seq, lastSeq))
      .orderBy(asc(auditEvents.seq))
      .limit(batchSize);
    for (const row of rows) {
      const expectedSeq = lastSeq + 1;
      const problem = checkLink(expectedSeq, prevHash, {
        seq: Number(row.seq),
        prevHash: row.prevHash,
        hash: row.hash,
        record: toChainedRecord(row),
      });
      if (problem) return { ok: false, count, brokenSeq: expectedSeq, problem };
      prevHash = row.hash;
      lastSeq = Number(row.seq);
      count++;
    }
    if (rows.length < batchSize) break;
  }
  const [head] = await db.select().from(auditChainHead).where(eq(auditChainHead.id, 1));
  if (!head) return { ok: false, count, brokenSeq: lastSeq + 1, problem: "the chain head row is missing" };
  if (Number(head.seq) !== lastSeq || head.hash !== prevHash) {
    return {
      ok: false,
      count,
      brokenSeq: lastSeq + 1,
      problem: `the chain head records sequence ${Number(head.seq)} but the last row is ${lastSeq}: rows were deleted from the end`,
    };
  }
  return { ok: true, count };
}

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
  const { lastSeq: _lastSeq, lastHash: _lastHash, ...result } = await verifyAuditChainFrom(db, { seq: 0, hash: GENESIS_HASH }, batchSize);
  return result;
}

/**
 * Verifies the chain after a row already known to be good (`from`: its seq and hash; seq 0 and
 * the genesis hash for the whole chain), then the chain head. `count` is the number of rows
 * checked in this pass; `lastSeq`/`lastHash` say where a later pass may continue.
 */
export async function verifyAuditChainFrom(
  db: Queryable,
  from: { seq: number; hash: string },
  batchSize = 2000,
): Promise<ChainVerification & { lastSeq: number; lastHash: string }> {
  let prevHash = from.hash;
  let lastSeq = from.seq;
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
      if (problem) return { ok: false, count, brokenSeq: expectedSeq, problem, lastSeq, lastHash: prevHash };
      prevHash = row.hash;
      lastSeq = Number(row.seq);
      count++;
    }
    if (rows.length < batchSize) break;
  }
  const [head] = await db.select().from(auditChainHead).where(eq(auditChainHead.id, 1));
  if (!head) return { ok: false, count, brokenSeq: lastSeq + 1, problem: "the chain head row is missing", lastSeq, lastHash: prevHash };
  // The head moves on while rows are appended; a head ahead of the last row read is a row
  // committed after this pass read, not a deleted tail, when that row exists now.
  if (Number(head.seq) !== lastSeq || head.hash !== prevHash) {
    if (Number(head.seq) > lastSeq) {
      const [next] = await db.select({ seq: auditEvents.seq }).from(auditEvents).where(eq(auditEvents.seq, lastSeq + 1));
      if (next) return { ok: true, count, lastSeq, lastHash: prevHash };
    }
    return {
      ok: false,
      count,
      brokenSeq: lastSeq + 1,
      problem: `the chain head records sequence ${Number(head.seq)} but the last row is ${lastSeq}: rows were deleted from the end`,
      lastSeq,
      lastHash: prevHash,
    };
  }
  return { ok: true, count, lastSeq, lastHash: prevHash };
}

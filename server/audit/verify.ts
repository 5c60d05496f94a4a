import { and, asc, eq, gt, lte, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { queryRows } from "@/db/execute";
import { auditChain, auditChainHead, auditEvents, auditRowColumns, type AuditEvent } from "@/db/schema";
import { chainHash, GENESIS_HASH, linkHash, linkMessage, rowMessage, sha256 } from "./chain";
import { auditSigner } from "./keys";
import { toChainedRecord } from "./record";
import type { AuditVerifier } from "./signing";
import { compareWithCheckpoint, newestCheckpoint } from "./witness";

/** A verified place in the chain: an entry's position, its hash and the row it links. */
export type ChainPoint = { pos: number; hash: string; seq: number };

export type ChainVerification =
  | {
      ok: true;
      /** Rows in the trail: older unsigned rows, linked rows and signed rows waiting for the chainer. */
      count: number;
      /** Signed rows committed but not linked yet (the chainer links them within a second or so), and the oldest one's age. */
      pending: number;
      oldestPendingSeconds: number | null;
      /** The first row Keel signed (rows before it predate signing and verify by their SHA-256 chain), or null. */
      signedFromSeq: number | null;
      /** The chain's newest verified entry (null when nothing is linked yet). */
      tip: ChainPoint | null;
      /** The newest witness checkpoint the chain reaches, when witness files were given and hold one. */
      witness: { seq: number; at: string; ageSeconds: number } | null;
    }
  | { ok: false; count: number; brokenSeq: number; problem: string };

type Broken = Extract<ChainVerification, { ok: false }>;
const UNSIGNED_TAIL = "the chain ends with entries Keel never signed";
const PAGE = 2000;

/** Checks one row written before signing began against the hash before it; the reason it fails, or null when it links. */
function checkLink(
  expectedSeq: number,
  prevHash: string,
  row: { seq: number; prevHash: string | null; hash: string | null; record: ReturnType<typeof toChainedRecord> },
): string | null {
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
 * Walks the whole audit trail and reports the first thing wrong with it, naming the sequence:
 * the unsigned rows from before signing began (their SHA-256 chain), then every chain entry in
 * order (each links the hash before it and the row it names, and the last entry of each chainer
 * batch carries Keel's signature), then the chain head, then every row not in the chain (each
 * must carry Keel's signature, and only rows the chainer has not reached yet may be unlinked).
 */
export async function verifyAuditChain(
  db: Queryable,
  options: VerifyOptions & { witnessFiles?: string[] } = {},
): Promise<ChainVerification> {
  const result = await verifyAuditChainFrom(db, null, options);
  if (!options.witnessFiles) return result;
  const { checkpoint } = newestCheckpoint(options.witnessFiles, options.verifier ?? auditSigner());
  if (!checkpoint) return result;
  // A chain cut back past its signed entries also ends unsigned; the witness says which it was.
  if (!result.ok && !result.problem.startsWith(UNSIGNED_TAIL)) return result;
  const problem = await compareWithCheckpoint(db, checkpoint);
  if (problem) return { ok: false, count: result.count, ...problem };
  if (!result.ok) return result;
  const now = options.now ?? new Date();
  return {
    ...result,
    witness: {
      seq: checkpoint.seq,
      at: checkpoint.at,
      ageSeconds: Math.max(0, Math.round((now.getTime() - Date.parse(checkpoint.at)) / 1000)),
    },
  };
}

type VerifyOptions = { verifier?: AuditVerifier; now?: Date };

/**
 * The same walk, continuing after an entry already verified (`from`), or from the start when
 * `from` is null. A continued walk first checks that `from` still holds its hash, and then only
 * looks at rows the chainer has not passed yet among the unlinked ones.
 */
export async function verifyAuditChainFrom(
  db: Queryable,
  from: ChainPoint | null,
  options: VerifyOptions = {},
): Promise<ChainVerification> {
  const verifier = options.verifier ?? auditSigner();
  const now = options.now ?? new Date();
  const [first] = await queryRows<{ pos: string | null }>(db, sql`select min(pos)::text as pos from audit_chain`);
  const [head] = await db.select().from(auditChainHead).where(eq(auditChainHead.id, 1));
  if (!head) return { ok: false, count: 0, brokenSeq: 1, problem: "the chain head row is missing" };
  const legacyEnd = first?.pos != null ? Number(first.pos) - 1 : Number(head.seq);

  let count = 0;
  let start: { pos: number; hash: string; seq: number };
  if (from) {
    const [entry] = await db.select().from(auditChain).where(eq(auditChain.pos, from.pos));
    if (!entry || entry.hash !== from.hash) return verifyAuditChainFrom(db, null, options);
    start = from;
  } else {
    const legacy = await verifyLegacyRows(db, legacyEnd);
    if (!legacy.ok) return legacy;
    count = legacy.count;
    start = { pos: legacyEnd, hash: legacy.hash, seq: legacy.lastSeq };
  }

  const walked = await walkEntries(db, verifier, start);
  if (!walked.ok) return { ...walked, count: count + walked.count };
  count += walked.count;

  const headProblem = await checkHead(db, { pos: Number(head.seq), hash: head.hash }, walked.tip ?? start);
  if (headProblem) return { ok: false, count, ...headProblem };

  const unlinked = await checkUnlinkedRows(db, verifier, now, legacyEnd, from !== null);
  if (!unlinked.ok) return { ...unlinked, count };
  const tip = walked.tip ?? start;

  const [signed] = await queryRows<{ seq: string | null }>(
    db,
    sql`select min(event_seq)::text as seq from audit_chain`,
  );
  return {
    ok: true,
    // Positions continue from the unsigned rows, so the tip's position counts every linked row.
    count: tip.pos + unlinked.pending,
    pending: unlinked.pending,
    oldestPendingSeconds: unlinked.oldestPendingSeconds,
    signedFromSeq: signed?.seq != null ? Number(signed.seq) : unlinked.firstSeq,
    tip: tip.pos > legacyEnd ? tip : null,
    witness: null,
  };
}

/** The unsigned rows 1..legacyEnd, each linking the one before by SHA-256. */
async function verifyLegacyRows(
  db: Queryable,
  legacyEnd: number,
): Promise<{ ok: true; count: number; hash: string; lastSeq: number } | Broken> {
  let prevHash = GENESIS_HASH;
  let lastSeq = 0;
  while (lastSeq < legacyEnd) {
    const rows = await db
      .select(auditRowColumns)
      .from(auditEvents)
      .where(and(gt(auditEvents.seq, lastSeq), lte(auditEvents.seq, legacyEnd)))
      .orderBy(asc(auditEvents.seq))
      .limit(PAGE);
    if (rows.length === 0) break;
    for (const row of rows) {
      const problem = checkLink(lastSeq + 1, prevHash, {
        seq: Number(row.seq),
        prevHash: row.prevHash,
        hash: row.hash,
        record: toChainedRecord(row),
      });
      if (problem) return { ok: false, count: lastSeq, brokenSeq: lastSeq + 1, problem };
      prevHash = row.hash!;
      lastSeq = Number(row.seq);
    }
  }
  if (lastSeq !== legacyEnd) {
    return {
      ok: false,
      count: lastSeq,
      brokenSeq: lastSeq + 1,
      problem: `the rows from before signing began end at sequence ${lastSeq}, but the chain continues from ${legacyEnd}: rows were deleted`,
    };
  }
  return { ok: true, count: lastSeq, hash: prevHash, lastSeq };
}

type EntryRow = { entry: typeof auditChain.$inferSelect; event: AuditEvent | null };

/** Every chain entry after `start`, in order. */
async function walkEntries(
  db: Queryable,
  verifier: AuditVerifier,
  start: ChainPoint,
): Promise<{ ok: true; count: number; tip: ChainPoint | null } | Broken> {
  let prev = start;
  let lastSigned: ChainPoint = start;
  let count = 0;
  for (;;) {
    const rows: EntryRow[] = await db
      .select({ entry: auditChain, event: auditEvents })
      .from(auditChain)
      .leftJoin(auditEvents, eq(auditEvents.seq, auditChain.eventSeq))
      .where(gt(auditChain.pos, prev.pos))
      .orderBy(asc(auditChain.pos))
      .limit(PAGE);
    for (const { entry, event } of rows) {
      const pos = Number(entry.pos);
      const seq = Number(entry.eventSeq);
      const fail = (brokenSeq: number, problem: string) => ({ ok: false as const, count, brokenSeq, problem });
      if (pos !== prev.pos + 1) {
        return fail(
          prev.seq + 1,
          `the chain entries after sequence ${prev.seq} are missing (positions ${prev.pos + 1} to ${pos - 1}; the next entry links sequence ${seq}): rows were deleted`,
        );
      }
      if (entry.prevHash !== prev.hash) {
        return fail(
          seq,
          `sequence ${seq} does not follow sequence ${prev.seq} in the chain (its entry's prev_hash is not the hash before it): entries were inserted, reordered or rewritten`,
        );
      }
      if (!event) return fail(seq, `sequence ${seq} was deleted: the chain links it, but the row is gone`);
      const digest = sha256(rowMessage(toChainedRecord(event), event.keyId ?? ""));
      if (linkHash(entry.prevHash, pos, seq, digest) !== entry.hash) {
        return fail(seq, `sequence ${seq} was edited: its contents no longer match its chain entry`);
      }
      if (entry.signature) {
        if (!verifier.keys.has(entry.keyId ?? "")) {
          return fail(
            seq,
            `the chain entry of sequence ${seq} is signed by a key Keel does not know (key id ${entry.keyId}); if it is an earlier key of yours, add its public key to AUDIT_TRUSTED_KEYS`,
          );
        }
        if (!verifier.verify(entry.keyId!, linkMessage(pos, seq, entry.hash), entry.signature)) {
          const edited = await firstEditedRow(db, verifier, lastSigned.pos, pos);
          return fail(
            edited ?? seq,
            `${edited ? `sequence ${edited} was edited and` : "entries up to"} the chain after it was recomputed: the chain entry of sequence ${seq} carries a signature that does not verify`,
          );
        }
        lastSigned = { pos, hash: entry.hash, seq };
      }
      prev = { pos, hash: entry.hash, seq };
      count++;
    }
    if (rows.length < PAGE) break;
  }
  if (prev.pos !== lastSigned.pos) {
    const [after] = await db
      .select({ seq: auditChain.eventSeq })
      .from(auditChain)
      .where(eq(auditChain.pos, lastSigned.pos + 1));
    const seq = Number(after?.seq ?? prev.seq);
    return {
      ok: false,
      count,
      brokenSeq: seq,
      problem: `${UNSIGNED_TAIL}, from sequence ${seq} on: they were added outside Keel, or the signed entries after them were cut from the end`,
    };
  }
  return { ok: true, count, tip: prev.pos === start.pos ? null : prev };
}

/** After a bad signature: the first row between two signed entries whose own signature fails. */
async function firstEditedRow(
  db: Queryable,
  verifier: AuditVerifier,
  afterPos: number,
  toPos: number,
): Promise<number | null> {
  const rows = await db
    .select({ event: auditEvents })
    .from(auditChain)
    .innerJoin(auditEvents, eq(auditEvents.seq, auditChain.eventSeq))
    .where(and(gt(auditChain.pos, afterPos), lte(auditChain.pos, toPos)))
    .orderBy(asc(auditChain.pos));
  for (const { event } of rows) {
    if (!hasValidSignature(verifier, event)) return Number(event.seq);
  }
  return null;
}

function hasValidSignature(verifier: AuditVerifier, row: AuditEvent): boolean {
  return (
    !!row.keyId &&
    !!row.signature &&
    verifier.verify(row.keyId, rowMessage(toChainedRecord(row), row.keyId), row.signature)
  );
}

/** The head must be where the walk ended; entries appended meanwhile are fine. */
async function checkHead(
  db: Queryable,
  head: { pos: number; hash: string },
  tip: ChainPoint,
): Promise<{ brokenSeq: number; problem: string } | null> {
  if (head.pos === tip.pos && head.hash === tip.hash) return null;
  if (head.pos > tip.pos) {
    const [next] = await db
      .select({ pos: auditChain.pos })
      .from(auditChain)
      .where(eq(auditChain.pos, tip.pos + 1));
    if (next) return null;
    return {
      brokenSeq: tip.seq + 1,
      problem: `the chain head records position ${head.pos}, but the chain ends at position ${tip.pos} (sequence ${tip.seq}): entries were deleted from the end`,
    };
  }
  const [after] = await db
    .select({ seq: auditChain.eventSeq })
    .from(auditChain)
    .where(eq(auditChain.pos, head.pos + 1));
  const seq = Number(after?.seq ?? tip.seq);
  return {
    brokenSeq: seq,
    problem: `the chain head was moved back to position ${head.pos}, behind sequence ${seq}: the head was rewritten outside Keel`,
  };
}

/**
 * Rows not in the chain. A row the chainer has not reached yet (its transaction is not older
 * than the chainer's scan point) is pending when Keel signed it; any other unlinked row was
 * inserted outside Keel, or lost its chain entry.
 */
async function checkUnlinkedRows(
  db: Queryable,
  verifier: AuditVerifier,
  now: Date,
  legacyEnd: number,
  onlyNew: boolean,
): Promise<{ ok: true; pending: number; oldestPendingSeconds: number | null; firstSeq: number | null } | Broken> {
  const notLinked = sql`not exists (select 1 from audit_chain c where c.event_seq = ${auditEvents.seq})`;
  const reached = sql`${auditEvents.xid} < (select scan_from_xid from audit_chainer_state where id = 1)`;
  const scope = onlyNew
    ? sql`${auditEvents.seq} in (select seq from audit_events where xid >= (select scan_from_xid from audit_chainer_state where id = 1))`
    : sql`true`;
  let pending = 0;
  let oldest: Date | null = null;
  let firstSeq: number | null = null;
  let afterSeq = legacyEnd;
  for (;;) {
    const rows = await db
      .select({ row: auditRowColumns, reached: sql<boolean>`${reached}` })
      .from(auditEvents)
      .where(and(gt(auditEvents.seq, afterSeq), notLinked, scope))
      .orderBy(asc(auditEvents.seq))
      .limit(PAGE);
    for (const { row, reached: passed } of rows) {
      const seq = Number(row.seq);
      afterSeq = seq;
      if (!hasValidSignature(verifier, row)) {
        const problem = row.signature
          ? `sequence ${seq} carries a signature that does not verify: it was inserted or edited outside Keel`
          : `sequence ${seq} carries no Keel signature: it was inserted outside Keel`;
        return { ok: false, count: 0, brokenSeq: seq, problem };
      }
      if (passed) {
        return {
          ok: false,
          count: 0,
          brokenSeq: seq,
          problem: `sequence ${seq} was signed by Keel but is no longer in the chain: its chain entry was removed`,
        };
      }
      pending++;
      firstSeq ??= seq;
      if (!oldest || row.createdAt < oldest) oldest = row.createdAt;
    }
    if (rows.length < PAGE) break;
  }
  return {
    ok: true,
    pending,
    oldestPendingSeconds: oldest ? Math.max(0, Math.round((now.getTime() - oldest.getTime()) / 1000)) : null,
    firstSeq,
  };
}

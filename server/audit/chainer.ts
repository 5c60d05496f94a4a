import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { Database, Queryable } from "@/db/client";
import { queryRows } from "@/db/execute";
import { auditChain, auditChainerState, auditChainHead, auditEvents } from "@/db/schema";
import { linkHash, linkMessage } from "./chain";
import { auditSigner } from "./keys";
import type { AuditSigner } from "./signing";

/** Arbitrary, fixed key: one chainer pass at a time across every instance on the database. */
const CHAINER_LOCK_KEY = 4_127_012;
export const CHAINER_BATCH_SIZE = 1000;
const MAX_BATCHES_PER_PASS = 10;

export type ChainerPass = {
  /** Rows linked in this pass. */
  linked: number;
  /** Committed rows left unlinked because Keel did not write them (no valid MAC). */
  refused: number[];
  /** The chain's newest position and hash after the pass. */
  head: { pos: number; hash: string };
  /** True when the pass stopped at its size limit and more rows may be waiting. */
  more: boolean;
};

/**
 * One pass of the chainer: links every committed audit row that Keel wrote (its digest carries
 * Keel's MAC) and that is not in the chain yet, in seq order, one entry each, and signs the last
 * entry. The entry's hash covers the row's digest; verification recomputes the digest from the
 * row's contents, so an edited row no longer matches its entry. Returns null when another pass (on any
 * instance) holds the chainer lock. Safe to kill at any point: a pass is one transaction.
 *
 * Finding new rows: each row records its inserting transaction id. A pass first reads the
 * oldest transaction still running (the snapshot's xmin), then reads rows; every transaction
 * older than that has ended, so its rows were visible to this pass, and the next pass only needs
 * to look at transactions from that id on.
 */
export async function linkPendingAuditEvents(
  db: Database,
  options: { signer?: AuditSigner; batchSize?: number } = {},
): Promise<ChainerPass | null> {
  const signer = options.signer ?? auditSigner();
  const batchSize = options.batchSize ?? CHAINER_BATCH_SIZE;
  return db.transaction(async (tx) => {
    const [lock] = await queryRows<{ locked: boolean }>(
      tx,
      sql`select pg_try_advisory_xact_lock(${CHAINER_LOCK_KEY}) as locked`,
    );
    if (!lock?.locked) return null;
    const [state] = await queryRows<{ scanFrom: string; horizon: string }>(
      tx,
      sql`select scan_from_xid::text as "scanFrom", pg_snapshot_xmin(pg_current_snapshot())::text as horizon from audit_chainer_state where id = 1`,
    );
    if (!state) throw new Error("the audit chainer's state row is missing; migrations have not been applied");
    const [head] = await tx.select().from(auditChainHead).where(eq(auditChainHead.id, 1));
    if (!head) throw new Error("the audit chain head is missing; migrations have not been applied");
    let pos = Number(head.seq);
    let prevHash = head.hash;
    await assertTipIsKeels(tx, signer, pos, prevHash);
    const entries: Array<typeof auditChain.$inferInsert> = [];
    const refused: number[] = [];
    let afterSeq = 0;
    let more = false;
    for (let batch = 0; ; batch++) {
      const rows = await tx
        .select({ seq: auditEvents.seq, digest: auditEvents.digest, mac: auditEvents.mac })
        .from(auditEvents)
        .where(
          and(
            // Through the xid index: only rows of transactions since the last pass.
            sql`${auditEvents.seq} in (select seq from audit_events where xid >= ${state.scanFrom}::xid8)`,
            gt(auditEvents.seq, afterSeq),
            sql`not exists (select 1 from audit_chain c where c.event_seq = ${auditEvents.seq})`,
          ),
        )
        .orderBy(asc(auditEvents.seq))
        .limit(batchSize);
      for (const row of rows) {
        const seq = Number(row.seq);
        afterSeq = seq;
        if (!row.digest || !row.mac || !signer.verifyMac(row.digest, row.mac)) {
          refused.push(seq);
          continue;
        }
        pos += 1;
        const hash = linkHash(prevHash, pos, seq, row.digest);
        entries.push({ pos, eventSeq: seq, prevHash, hash });
        prevHash = hash;
      }
      if (rows.length < batchSize) break;
      // A long backlog is linked over several passes, so one transaction stays short.
      if (batch + 1 >= MAX_BATCHES_PER_PASS) {
        more = true;
        break;
      }
    }
    const last = entries.at(-1);
    if (last) {
      last.keyId = signer.current.keyId;
      last.signature = signer.sign(linkMessage(last.pos!, last.eventSeq, last.hash));
      // One statement with an array per column: the database checks and moves the head once.
      await tx.execute(sql`insert into audit_chain (pos, event_seq, prev_hash, hash, key_id, signature)
        select * from unnest(${pgArray(entries.map((e) => String(e.pos)))}::bigint[], ${pgArray(entries.map((e) => String(e.eventSeq)))}::bigint[],
          ${pgArray(entries.map((e) => e.prevHash))}::text[], ${pgArray(entries.map((e) => e.hash))}::text[],
          ${pgArray(entries.map((e) => e.keyId ?? null))}::text[], ${pgArray(entries.map((e) => e.signature ?? null))}::text[])`);
    }
    if (!more)
      await tx.update(auditChainerState).set({ scanFromXid: state.horizon }).where(eq(auditChainerState.id, 1));
    return { linked: entries.length, refused, head: { pos, hash: prevHash }, more };
  });
}

/**
 * Whether any committed row waits for the chainer: one cheap read through the xid index, so an
 * idle instance does not open a transaction four times a second (PGlite has one connection).
 */
export async function hasUnlinkedAuditEvents(db: Queryable): Promise<boolean> {
  const [row] = await queryRows<{ waiting: boolean }>(
    db,
    sql`select exists (select 1 from audit_events e where e.xid >= (select scan_from_xid from audit_chainer_state where id = 1)
          and not exists (select 1 from audit_chain c where c.event_seq = e.seq)) as waiting`,
  );
  return row?.waiting === true;
}

/**
 * Refuses to extend a chain whose newest entry Keel did not sign: a later signed entry would
 * otherwise vouch for an entry added outside Keel.
 */
async function assertTipIsKeels(tx: Queryable, signer: AuditSigner, pos: number, hash: string): Promise<void> {
  const [entry] = await tx.select().from(auditChain).where(eq(auditChain.pos, pos));
  if (entry) {
    const signed =
      !!entry.signature &&
      !!entry.keyId &&
      entry.hash === hash &&
      signer.verify(entry.keyId, linkMessage(pos, Number(entry.eventSeq), entry.hash), entry.signature);
    if (signed) return;
  } else {
    const [any] = await tx.select({ pos: auditChain.pos }).from(auditChain).limit(1);
    if (!any) return; // nothing linked yet: the head is where the unsigned rows end
  }
  throw new Error(
    `the audit chain's newest entry (position ${pos}) was not written by Keel; the chainer links nothing until the chain is investigated with npm run audit:verify`,
  );
}

/** A PostgreSQL array literal of text (hex, digits and base64 only: nothing here needs more than quoting). */
function pgArray(values: Array<string | null>): string {
  return `{${values.map((v) => (v === null ? "NULL" : `"${v}"`)).join(",")}}`;
}

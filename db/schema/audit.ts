import { getTableColumns, sql } from "drizzle-orm";
import { bigint, check, customType, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** PostgreSQL's 64-bit transaction id; read and written as text, compared in SQL. */
const xid8 = customType<{ data: string }>({ dataType: () => "xid8" });

/** A full-text document; Keel only ever searches it in SQL, never reads it. */
const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

import { AUDIT_OUTCOMES, type AuditOutcome } from "../../lib/audit/outcomes";

export { AUDIT_OUTCOMES, type AuditOutcome };

/**
 * The text full-text search looks in: event type (also split at dots), actor, entity and every
 * string or number inside the event's metadata. 'simple' keeps ids, emails and words as typed
 * (no stemming). Stored in the row (`search_document`, computed by the database at insert), so a
 * query that walks the primary key tests a ready document instead of building one per row, and
 * the planner has real statistics for it.
 */
export const auditSearchExpression = sql`(to_tsvector('simple'::regconfig, event_type || ' ' || replace(event_type, '.', ' ') || ' ' || actor_label || ' ' || coalesce(entity_type, '') || ' ' || coalesce(entity_id, '')) || jsonb_to_tsvector('simple'::regconfig, event_meta, '["string", "numeric"]'::jsonb))`;

export type RequestMeta = { ip?: string | null; userAgent?: string | null; requestId?: string | null };

/**
 * The append-only record of every state change (seed 000 §2 app_audit_events, plus entity and
 * outcome). Each row is signed by Keel's audit key when it is written; the chainer then links
 * committed rows into `audit_chain`. Rows from before signing began carry the older SHA-256 link
 * in prev_hash/hash instead. Triggers refuse UPDATE, DELETE and TRUNCATE and assign seq and xid
 * themselves; see server/audit for how rows are appended, linked and verified.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    /** Increasing position, drawn from audit_events_seq by a trigger at insert whatever the INSERT says (a rolled-back append leaves a gap). */
    seq: bigint("seq", { mode: "number" }).primaryKey().default(0),
    id: uuid("id").notNull().unique(),
    eventType: text("event_type").notNull(),
    actorUserId: uuid("actor_user_id"),
    /** Who acted, as they were named at the time (an email, or "system"). */
    actorLabel: text("actor_label").notNull(),
    sessionId: text("session_id"),
    requestMeta: jsonb("request_meta").$type<RequestMeta>().notNull(),
    eventMeta: jsonb("event_meta").$type<Record<string, unknown>>().notNull(),
    entityType: text("entity_type"),
    entityId: text("entity_id"),
    outcome: text("outcome").$type<AuditOutcome>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull(),
    /** The SHA-256 link of a row written before signing began; null on signed rows. */
    prevHash: text("prev_hash"),
    hash: text("hash"),
    /** Which audit signing key signed the row, and its Ed25519 signature (base64); null before signing began. */
    keyId: text("key_id"),
    signature: text("signature"),
    /** SHA-256 of what the signature covers, and Keel's HMAC of it: lets the chainer check a row is Keel's cheaply. */
    digest: text("digest"),
    mac: text("mac"),
    /** The inserting transaction (set by a trigger): lets the chainer find rows committed since its last pass. */
    xid: xid8("xid")
      .notNull()
      .default(sql`pg_current_xact_id()`),
    /** What full-text search matches (see auditSearchExpression). */
    searchDocument: tsvector("search_document").generatedAlwaysAs(auditSearchExpression),
  },
  (t) => [
    index("audit_events_entity_idx").on(t.entityType, t.entityId, t.seq),
    index("audit_events_actor_idx").on(t.actorUserId, t.seq),
    index("audit_events_type_idx").on(t.eventType, t.seq),
    index("audit_events_created_idx").on(t.createdAt),
    index("audit_events_actor_label_idx").on(t.actorLabel, t.seq),
    index("audit_events_outcome_idx").on(t.outcome, t.seq),
    index("audit_events_search_idx").using("gin", t.searchDocument),
    index("audit_events_xid_idx").on(t.xid),
    check("audit_events_outcome_check", sql`${t.outcome} in ('success', 'failure', 'refused', 'intent')`),
  ],
);

/**
 * The chain: committed audit rows linked in the order the chainer saw them commit. Entry `pos`
 * links row `event_seq`: hash = SHA-256(prev_hash ‖ event_seq ‖ the row's signature). The last
 * entry of every chainer batch is signed, so the chain's tail always carries Keel's signature.
 * Positions continue from the older SHA-256 chain of unsigned rows.
 */
export const auditChain = pgTable("audit_chain", {
  pos: bigint("pos", { mode: "number" }).primaryKey(),
  eventSeq: bigint("event_seq", { mode: "number" }).notNull().unique(),
  prevHash: text("prev_hash").notNull(),
  hash: text("hash").notNull(),
  /** Set on the last entry of each batch: Ed25519 over (pos, event_seq, hash). */
  keyId: text("key_id"),
  signature: text("signature"),
  linkedAt: timestamp("linked_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
});

/**
 * A single row holding the chain's newest position and hash, moved only by the trigger that
 * accepts a new chain entry (which also checks that the entry extends it).
 */
export const auditChainHead = pgTable(
  "audit_chain_head",
  {
    id: integer("id").primaryKey(),
    seq: bigint("seq", { mode: "number" }).notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [check("audit_chain_head_single_row", sql`${t.id} = 1`)],
);

/** Where the chainer's next pass looks for committed rows: transactions from this id on may still be unlinked. */
export const auditChainerState = pgTable(
  "audit_chainer_state",
  {
    id: integer("id").primaryKey(),
    scanFromXid: xid8("scan_from_xid").notNull(),
  },
  (t) => [check("audit_chainer_state_single_row", sql`${t.id} = 1`)],
);

/** Every column of an audit row but the search document, which only SQL reads. */
const { searchDocument: _searchDocument, ...auditRowColumnsOnly } = getTableColumns(auditEvents);
export const auditRowColumns = auditRowColumnsOnly;
export type AuditEvent = Omit<typeof auditEvents.$inferSelect, "searchDocument">;

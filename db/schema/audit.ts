import { sql } from "drizzle-orm";
import { bigint, check, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

export const AUDIT_OUTCOMES = ["success", "failure", "refused", "intent"] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/**
 * The text full-text search looks in: event type (also split at dots), actor, entity and every
 * string or number inside the event's metadata. 'simple' keeps ids, emails and words as typed
 * (no stemming). Immutable, so it can back an expression index; the history queries use the
 * very same expression so the planner picks the index.
 */
export const auditSearchDocument = sql`(to_tsvector('simple'::regconfig, audit_events.event_type || ' ' || replace(audit_events.event_type, '.', ' ') || ' ' || audit_events.actor_label || ' ' || coalesce(audit_events.entity_type, '') || ' ' || coalesce(audit_events.entity_id, '')) || jsonb_to_tsvector('simple'::regconfig, audit_events.event_meta, '["string", "numeric"]'::jsonb))`;

export type RequestMeta = { ip?: string | null; userAgent?: string | null; requestId?: string | null };

/**
 * The append-only, hash-chained record of every state change (seed 000 §2 app_audit_events,
 * plus entity, outcome and the chain). A trigger refuses UPDATE, DELETE and TRUNCATE; see
 * server/audit for how rows are appended and verified.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    /** Gap-free position in the chain, starting at 1. */
    seq: bigint("seq", { mode: "number" }).primaryKey(),
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
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [
    index("audit_events_entity_idx").on(t.entityType, t.entityId, t.seq),
    index("audit_events_actor_idx").on(t.actorUserId, t.seq),
    index("audit_events_type_idx").on(t.eventType, t.seq),
    index("audit_events_created_idx").on(t.createdAt),
    index("audit_events_actor_label_idx").on(t.actorLabel, t.seq),
    index("audit_events_outcome_idx").on(t.outcome, t.seq),
    index("audit_events_search_idx").using("gin", auditSearchDocument),
    check("audit_events_outcome_check", sql`${t.outcome} in ('success', 'failure', 'refused', 'intent')`),
  ],
);

/**
 * A single row holding the newest sequence number and hash. Appenders lock it, which makes the
 * sequence gap-free and lets verification notice a deleted tail.
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

export type AuditEvent = typeof auditEvents.$inferSelect;

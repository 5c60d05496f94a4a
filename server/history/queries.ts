import { desc, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { queryRows } from "@/db/execute";
import { auditEvents } from "@/db/schema";
import type { HistoryFilters } from "@/lib/schemas/history";
import { viewConditions, type HistoryViewer } from "./conditions";
import { decodeCursor, encodeCursor } from "./cursor";

const shownColumns = {
  seq: auditEvents.seq,
  id: auditEvents.id,
  eventType: auditEvents.eventType,
  actorUserId: auditEvents.actorUserId,
  actorLabel: auditEvents.actorLabel,
  entityType: auditEvents.entityType,
  entityId: auditEvents.entityId,
  outcome: auditEvents.outcome,
  eventMeta: auditEvents.eventMeta,
  requestMeta: auditEvents.requestMeta,
  createdAt: auditEvents.createdAt,
  hash: auditEvents.hash,
  signature: auditEvents.signature,
};

export type HistoryPage = {
  events: Array<Omit<Awaited<ReturnType<typeof selectPage>>[number], "requestMeta"> & { ip: string | null }>;
  /** Continues below the last event shown; null on the last page. */
  nextCursor: string | null;
};

async function selectPage(
  db: Queryable,
  viewer: HistoryViewer,
  filters: HistoryFilters,
  below: number | null,
  limit: number,
) {
  return db
    .select(shownColumns)
    .from(auditEvents)
    .where(viewConditions(viewer, filters, below))
    .orderBy(desc(auditEvents.seq))
    .limit(limit + 1);
}

/**
 * One page of the audit trail, newest first, by keyset on `seq`: a page is `seq < cursor`, so
 * events appended while someone reads never shift, skip or repeat rows on later pages, and a
 * deep page costs what the first one does.
 */
export async function listHistory(
  db: Queryable,
  viewer: HistoryViewer,
  input: { filters: HistoryFilters; cursor?: string | null; limit: number },
): Promise<HistoryPage> {
  const view = { kind: "history", filters: input.filters };
  const below = input.cursor ? decodeCursor(input.cursor, view) : null;
  const rows = await selectPage(db, viewer, input.filters, below, input.limit);
  const events = rows
    .slice(0, input.limit)
    .map(({ requestMeta, ...row }) => ({ ...row, seq: Number(row.seq), ip: requestMeta.ip ?? null }));
  const last = events.at(-1);
  return { events, nextCursor: rows.length > input.limit && last ? encodeCursor(last.seq, view) : null };
}

/** Everything recorded about one entity (a run, a user, a secret by name…), newest first. */
export async function entityTimeline(
  db: Queryable,
  viewer: HistoryViewer,
  input: { entityType: string; entityId: string; cursor?: string | null; limit: number },
): Promise<HistoryPage> {
  const filters: HistoryFilters = { entityType: input.entityType, entityId: input.entityId };
  const view = { kind: "entity", filters };
  const below = input.cursor ? decodeCursor(input.cursor, view) : null;
  const rows = await selectPage(db, viewer, filters, below, input.limit);
  const events = rows
    .slice(0, input.limit)
    .map(({ requestMeta, ...row }) => ({ ...row, seq: Number(row.seq), ip: requestMeta.ip ?? null }));
  const last = events.at(-1);
  return { events, nextCursor: rows.length > input.limit && last ? encodeCursor(last.seq, view) : null };
}

/**
 * The event types recorded so far, for the filter's suggestions. A skip scan over the
 * (event_type, seq) index: one index probe per distinct type instead of reading every row.
 */
export async function recordedEventTypes(db: Queryable): Promise<string[]> {
  const rows = await queryRows<{ event_type: string }>(
    db,
    sql`
    with recursive types(event_type) as (
      (select event_type from audit_events order by event_type limit 1)
      union all
      select (select a.event_type from audit_events a where a.event_type > types.event_type order by a.event_type limit 1)
      from types where types.event_type is not null
    )
    select event_type from types where event_type is not null limit 500`,
  );
  return rows.map((r) => r.event_type);
}

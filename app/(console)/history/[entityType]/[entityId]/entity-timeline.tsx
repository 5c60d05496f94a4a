"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { FormError } from "@/app/_components/form-error";
import { describeAuditEvent } from "@/lib/audit/describe";
import { formatDateTime } from "@/lib/format/time";
import { readClientError } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";
import { timelineHref } from "../../audit-event-table";

const OUTCOME_BADGE: Record<string, string> = { success: "ok", failure: "danger", refused: "warn", intent: "info" };

export function EntityTimeline({
  entityType,
  entityId,
  cursor,
}: {
  entityType: string;
  entityId: string;
  cursor: string | null;
}) {
  const trpc = useTRPC();
  const page = useQuery(trpc.history.timeline.queryOptions({ entityType, entityId, cursor }));
  const base = timelineHref(entityType, entityId);
  const filter = new URLSearchParams({ entityType, entityId });
  return (
    <section className="card">
      <div className="card-title-row">
        <h2>Timeline</h2>
        <div className="row">
          <Link prefetch={false} className="button secondary small" href={`/history?${filter.toString()}`}>
            Filter History by it
          </Link>
          <a className="button secondary small" href={`/api/audit/export?format=ndjson&${filter.toString()}`} download>
            Export NDJSON
          </a>
        </div>
      </div>
      {page.isError ? <FormError error={readClientError(page.error)} /> : null}
      {page.isPending ? <p className="muted">Loading…</p> : null}
      {page.data && page.data.events.length === 0 ? (
        <p className="empty">
          Nothing you may see is recorded about this {entityType}. Check the id, or search History for it.
        </p>
      ) : null}
      {page.data && page.data.events.length > 0 ? (
        <ol className="step-timeline" aria-label="Timeline">
          {page.data.events.map((event) => (
            <li key={event.seq}>
              <div className="row">
                <strong>{describeAuditEvent(event)}</strong>
                <span className={`badge ${OUTCOME_BADGE[event.outcome] ?? ""}`}>{event.outcome}</span>
              </div>
              <div className="muted small">
                {formatDateTime(event.createdAt)} · {event.actorLabel} · <code>{event.eventType}</code> · #{event.seq}
              </div>
            </li>
          ))}
        </ol>
      ) : null}
      {page.data?.nextCursor ? (
        <nav className="row pager" aria-label="Pages">
          <span className="spacer" />
          <Link
            prefetch={false}
            className="button secondary small"
            href={`${base}?cursor=${encodeURIComponent(page.data.nextCursor)}`}
          >
            Older events →
          </Link>
        </nav>
      ) : null}
    </section>
  );
}

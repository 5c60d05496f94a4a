"use client";

import Link from "next/link";
import { describeAuditEvent } from "@/lib/audit/describe";
import { formatDateTime } from "@/lib/format/time";
import { LongToken } from "@/app/_components/long-token";

export type ShownEvent = {
  seq: number;
  eventType: string;
  actorUserId: string | null;
  actorLabel: string;
  entityType: string | null;
  entityId: string | null;
  outcome: string;
  eventMeta: Record<string, unknown>;
  ip: string | null;
  createdAt: Date | string;
  hash: string | null;
  signature: string | null;
};

const OUTCOME_BADGE: Record<string, string> = { success: "ok", failure: "danger", refused: "warn", intent: "info" };

export function timelineHref(entityType: string, entityId: string): string {
  return `/history/${encodeURIComponent(entityType)}/${encodeURIComponent(entityId)}`;
}

/** Audit events as a table: when, what, who, about what, outcome, and the recorded details. */
export function AuditEventTable({
  events,
  label,
  showEntity = true,
}: {
  events: ShownEvent[];
  label: string;
  showEntity?: boolean;
}) {
  return (
    <div className="table-wrap">
      <table className="table history-table" aria-label={label}>
        <thead>
          <tr>
            <th>#</th>
            <th>When</th>
            <th>Event</th>
            <th>Actor</th>
            {showEntity ? <th>Entity</th> : null}
            <th>Outcome</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.seq} data-seq={event.seq}>
              <td className="mono small muted">{event.seq}</td>
              <td className="small nowrap">{formatDateTime(event.createdAt)}</td>
              <td>
                <div>{describeAuditEvent(event)}</div>
                <details className="event-details">
                  <summary>
                    <code>{event.eventType}</code>
                  </summary>
                  <pre className="event-meta">{JSON.stringify(event.eventMeta, null, 2)}</pre>
                  <div className="muted small">
                    {event.ip ? `from ${event.ip} · ` : ""}
                    {event.signature ? "signed " : "hash "}
                    <LongToken
                      value={event.signature ?? event.hash ?? ""}
                      shown={`${(event.signature ?? event.hash ?? "").slice(0, 16)}…`}
                      what={`${event.signature ? "signature" : "hash"} of event ${event.seq}`}
                    />
                  </div>
                </details>
              </td>
              <td className="small">
                <Link
                  prefetch={false}
                  href={`/history?actor=${encodeURIComponent(event.actorLabel)}`}
                  title={`Everything ${event.actorLabel} did`}
                >
                  {event.actorLabel}
                </Link>
              </td>
              {showEntity ? (
                <td className="small">
                  {event.entityType && event.entityId ? (
                    <Link
                      prefetch={false}
                      href={timelineHref(event.entityType, event.entityId)}
                      title="This entity's timeline"
                    >
                      <span className="badge muted">{event.entityType}</span>{" "}
                      <span className="mono">{shortId(event.entityId)}</span>
                    </Link>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
              ) : null}
              <td>
                <span className={`badge ${OUTCOME_BADGE[event.outcome] ?? ""}`}>{event.outcome}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function shortId(id: string): string {
  return /^[0-9a-f]{8}-[0-9a-f-]{27}$/i.test(id) ? `${id.slice(0, 8)}…` : id;
}

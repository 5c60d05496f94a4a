"use client";

import { useQuery } from "@tanstack/react-query";
import { describeAuditEvent } from "@/lib/audit/describe";
import { formatDateTime } from "@/lib/format/time";
import { useTRPC } from "@/lib/trpc/client";

/** The signed-in user's recent actions and events about their account, from the audit trail. */
export function ActivityList() {
  const trpc = useTRPC();
  const { data, isPending, isError } = useQuery(trpc.account.activity.queryOptions());
  if (isPending) return <p className="muted">Loading…</p>;
  if (isError) return <p className="alert error">Your activity could not be loaded.</p>;
  if (data.length === 0) return <p className="empty">Nothing recorded yet.</p>;
  return (
    <ul className="list" aria-label="Recent activity">
      {data.map((event) => (
        <li key={event.seq}>
          <span>
            {describeAuditEvent(event)}
            {event.outcome !== "success" ? (
              <>
                {" "}
                <span className="badge danger">{event.outcome}</span>
              </>
            ) : null}
            {event.actorLabel && event.eventMeta && event.actorLabel !== "system" ? null : (
              <span className="muted small"> by system</span>
            )}
          </span>
          <span className="muted small">
            {formatDateTime(event.createdAt)}
            {event.ip ? ` · ${event.ip}` : ""}
          </span>
        </li>
      ))}
    </ul>
  );
}

"use client";

import { useQuery } from "@tanstack/react-query";
import { describeAuditEvent } from "@/lib/audit/describe";
import { formatDateTime } from "@/lib/format/time";
import { useTRPC } from "@/lib/trpc/client";

/** The run's full history, read from the audit trail (the same rows an auditor verifies). */
export function RunHistory({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const history = useQuery(trpc.runs.history.queryOptions({ runId }));
  return (
    <section className="card" aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      {history.data ? (
        <ol className="list history" aria-label="Run history">
          {history.data.map((event) => (
            <li key={event.seq}>
              <span>
                {describeAuditEvent(event)}
                {event.outcome === "refused" || event.outcome === "failure" ? (
                  <>
                    {" "}
                    <span className="badge danger">{event.outcome}</span>
                  </>
                ) : null}
                <span className="muted small"> · {event.actorLabel}</span>
              </span>
              <span className="small muted">
                #{event.seq} · {formatDateTime(event.createdAt)}
              </span>
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted">Loading…</p>
      )}
    </section>
  );
}

"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { FormError } from "@/app/_components/form-error";
import { formatDateTime } from "@/lib/format/time";
import { readClientError } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";

const EVENT_LABELS: Record<string, string> = {
  "checklist.created": "Created the checklist",
  "checklist.updated": "Changed the checklist",
  "checklist.item_added": "Added an item",
  "checklist.item_updated": "Updated an item",
  "checklist.item_assigned": "Assigned an item",
  "checklist.item_commented": "Commented",
  "checklist.check_bound": "Bound a check",
  "checklist.check_ran": "Ran a check",
  "checklist.waiver_requested": "Requested a waiver",
  "checklist.waiver_approved": "Approved a waiver",
  "checklist.waiver_rejected": "Rejected a waiver",
  "checklist.waiver_expired": "A waiver expired",
};

function show(value: unknown): string {
  if (value === null || value === undefined || value === "") return "nothing";
  if (typeof value === "string") return value;
  if (typeof value === "object" && value && "kind" in value) {
    const v = value as Record<string, unknown>;
    return v.kind === "link"
      ? `link ${String(v.url)}`
      : v.kind === "note"
        ? `note “${String(v.note)}”`
        : v.kind === "run"
          ? `run ${String(v.runNumber)}`
          : "a check result";
  }
  return JSON.stringify(value);
}

/** Fields in the order a person reads an item (audit meta comes back in the database's key order). */
const FIELD_ORDER = ["title", "section", "priority", "owner", "dueDate", "status"];
function ordered(changes: Record<string, { from: unknown; to: unknown }>) {
  const rank = (field: string) => (FIELD_ORDER.includes(field) ? FIELD_ORDER.indexOf(field) : FIELD_ORDER.length);
  return Object.entries(changes).sort(([a], [b]) => rank(a) - rank(b));
}

/** Every change to the checklist, read from the audit trail: who, when, what, from what, to what. */
export function ChecklistHistory({ checklistId }: { checklistId: string }) {
  const trpc = useTRPC();
  const history = useQuery(trpc.checklists.history.queryOptions({ checklistId }));
  const view = useQuery(trpc.checklists.get.queryOptions({ checklistId }));
  return (
    <>
      <Link prefetch={false} className="back-link" href={`/checklists/${checklistId}`}>
        ← {view.data?.checklist.name ?? "Checklist"}
      </Link>
      <div className="page-header">
        <div>
          <h1>History{view.data ? `: ${view.data.checklist.name}` : ""}</h1>
          <p>Every change to this checklist and its items, from the audit trail, newest first.</p>
        </div>
      </div>
      <section className="card">
        {history.isError ? <FormError error={readClientError(history.error)} /> : null}
        {history.data && history.data.length === 0 ? <p className="empty">Nothing has changed yet.</p> : null}
        {history.data && history.data.length > 0 ? (
          <div className="table-wrap">
            <table className="table" aria-label="Checklist history">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Who</th>
                  <th>What</th>
                  <th>Item</th>
                  <th>Change</th>
                </tr>
              </thead>
              <tbody>
                {history.data.map((event) => {
                  const meta = event.meta as {
                    incidentId?: string;
                    incidentNumber?: number;
                    item?: string;
                    changes?: Record<string, { from: unknown; to: unknown }>;
                    summary?: string;
                    reason?: string;
                    name?: string;
                    template?: string;
                  };
                  return (
                    <tr key={event.seq}>
                      <td data-label="When">{formatDateTime(event.createdAt)}</td>
                      <td data-label="Who">{event.actorLabel}</td>
                      <td data-label="What">{EVENT_LABELS[event.eventType] ?? event.eventType}</td>
                      <td data-label="Item">{meta.item ?? "—"}</td>
                      <td data-label="Change">
                        {meta.changes
                          ? ordered(meta.changes).map(([field, change]) => (
                              <div key={field}>
                                {field}:{" "}
                                {event.eventType === "checklist.item_added" ? null : (
                                  <>
                                    <span data-verbatim>{show(change.from)}</span> →{" "}
                                  </>
                                )}
                                <span data-verbatim>{show(change.to)}</span>
                              </div>
                            ))
                          : meta.template
                            ? `from template ${meta.template}`
                            : null}
                        {meta.incidentId ? (
                          <div className="small">
                            <Link prefetch={false} href={`/incidents/${meta.incidentId}`}>
                              From incident #{meta.incidentNumber}
                            </Link>
                            , a follow-up
                          </div>
                        ) : null}
                        {meta.summary ? <div className="small muted">{meta.summary}</div> : null}
                        {meta.reason ? <div className="small muted">Reason: {meta.reason}</div> : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
    </>
  );
}

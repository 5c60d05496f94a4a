"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { FormError } from "@/app/_components/form-error";
import { filtersToSearchParams, type HistoryFilters } from "@/lib/schemas/history";
import { readClientError } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";
import { AuditEventTable } from "./audit-event-table";

/** One page of the filtered trail, links to older pages, and the export of the whole view. */
export function HistoryTable({ filters, cursor }: { filters: HistoryFilters; cursor: string | null }) {
  const trpc = useTRPC();
  const page = useQuery(trpc.history.list.queryOptions({ filters, cursor }));
  const params = filtersToSearchParams(filters);
  const olderHref = (next: string) => {
    const p = new URLSearchParams(params);
    p.set("cursor", next);
    return `/history?${p.toString()}`;
  };
  const exportHref = (format: "ndjson" | "csv") => {
    const p = new URLSearchParams(params);
    p.set("format", format);
    return `/api/audit/export?${p.toString()}`;
  };
  const newestHref = `/history${params.size > 0 ? `?${params.toString()}` : ""}`;
  return (
    <section className="card">
      <div className="card-title-row">
        <h2>{cursor ? "Older events" : "Events"}</h2>
        <div className="row">
          <span className="muted small">Export this view:</span>
          <a className="button secondary small" href={exportHref("ndjson")} download>
            NDJSON
          </a>
          <a className="button secondary small" href={exportHref("csv")} download>
            CSV
          </a>
        </div>
      </div>
      {page.isError ? (
        <>
          <FormError error={readClientError(page.error)} />
          <p>
            <Link prefetch={false} href={newestHref}>
              Show the newest events
            </Link>
          </p>
        </>
      ) : null}
      {page.isPending ? <p className="muted">Loading…</p> : null}
      {page.data && page.data.events.length === 0 ? (
        <p className="empty">
          {params.size > 0
            ? "No event matches these filters. Widen the time range or clear a filter."
            : "Nothing has been recorded yet."}
        </p>
      ) : null}
      {page.data && page.data.events.length > 0 ? (
        <AuditEventTable events={page.data.events} label="Audit events" />
      ) : null}
      {page.data ? (
        <nav className="row pager" aria-label="Pages">
          {cursor ? (
            <Link prefetch={false} href={newestHref}>
              ← Newest
            </Link>
          ) : null}
          <span className="spacer" />
          {page.data.nextCursor ? (
            <Link prefetch={false} className="button secondary small" href={olderHref(page.data.nextCursor)}>
              Older events →
            </Link>
          ) : page.data.events.length > 0 ? (
            <span className="muted small">That is the oldest matching event.</span>
          ) : null}
        </nav>
      ) : null}
    </section>
  );
}

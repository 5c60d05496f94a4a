"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { FormError } from "@/app/_components/form-error";
import { RiskBadge } from "@/app/_components/risk-badge";
import { RunStatusBadge } from "@/app/_components/status-badge";
import { formatDateTime } from "@/lib/format/time";
import type { RUN_FILTERS } from "@/lib/schemas/runs";
import { readClientError } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";
import { EmptyRuns } from "./empty-runs";

const FILTER_LABELS: Record<(typeof RUN_FILTERS)[number], string> = {
  "needs-me": "Needs me",
  active: "Active",
  ended: "Ended",
  all: "All",
};

export function RunsList({ filter }: { filter: (typeof RUN_FILTERS)[number] }) {
  const trpc = useTRPC();
  const runs = useQuery({ ...trpc.runs.list.queryOptions({ filter }), refetchInterval: 15_000 });
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Runs</h1>
          <p>Every execution of a runbook: what is running, what waits for someone, what ended.</p>
        </div>
        <Link prefetch={false} className="button" href="/runbooks">
          Start from a runbook
        </Link>
      </div>
      <nav className="tabs" aria-label="Filter runs">
        {(Object.keys(FILTER_LABELS) as (keyof typeof FILTER_LABELS)[]).map((key) => (
          <Link
            prefetch={false}
            key={key}
            href={`/runs?filter=${key}`}
            aria-current={key === filter ? "page" : undefined}
          >
            {FILTER_LABELS[key]}
          </Link>
        ))}
      </nav>
      <section className="card">
        {runs.isError ? <FormError error={readClientError(runs.error)} /> : null}
        {runs.data && runs.data.length === 0 ? <EmptyRuns filter={filter} /> : null}
        {runs.data && runs.data.length > 0 ? (
          <div className="table-wrap">
            <table className="table" aria-label="Runs">
              <thead>
                <tr>
                  <th>Run</th>
                  <th>Runbook</th>
                  <th>Status</th>
                  <th>Started by</th>
                  <th>Started</th>
                  <th>Last change</th>
                </tr>
              </thead>
              <tbody>
                {runs.data.map((run) => (
                  <tr key={run.id}>
                    <td data-label="Run">
                      <Link prefetch={false} href={`/runs/${run.id}`}>
                        Run {run.number}
                      </Link>
                    </td>
                    <td data-label="Runbook">
                      {run.runbookTitle} <RiskBadge risk={run.risk} />
                    </td>
                    <td data-label="Status">
                      <RunStatusBadge status={run.status} />
                    </td>
                    <td data-label="Started by">{run.startedBy}</td>
                    <td data-label="Started">{formatDateTime(run.createdAt)}</td>
                    <td data-label="Last change">{formatDateTime(run.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
    </>
  );
}

"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { FormError } from "@/app/_components/form-error";
import { formatRate, formatSeconds } from "@/lib/format/duration";
import { readClientError } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";
import { FailureBuckets } from "./failure-buckets";
import { RangeTabs } from "./range-tabs";
import { TrendChart } from "./trend-chart";

export function TelemetryOverview({ days }: { days: number }) {
  const trpc = useTRPC();
  const overview = useQuery(trpc.telemetry.overview.queryOptions({ days }));
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Telemetry</h1>
          <p>
            How runbooks perform: how often they run, how often they succeed, how long they take and why steps fail.
          </p>
        </div>
      </div>
      <RangeTabs base="/telemetry" days={days} />
      {overview.isError ? <FormError error={readClientError(overview.error)} /> : null}
      {overview.data ? (
        <div className="stack">
          <section className="card">
            <h2>Runs per day</h2>
            <TrendChart points={overview.data.trend} label={`Runs per day, last ${days} days`} />
          </section>
          <section className="card">
            <h2>By runbook</h2>
            <p className="muted small">
              Success rate: succeeded ÷ runs that succeeded, were aborted, or are failed or interrupted now. Runs an
              approver refused are counted apart: a refusal is a decision, not a failure. Durations: start to success.
            </p>
            {overview.data.runbooks.length === 0 ? (
              <p className="empty">
                No run started in the last {days} days. Start one from{" "}
                <Link prefetch={false} href="/runbooks">
                  Runbooks
                </Link>
                .
              </p>
            ) : (
              <div className="table-wrap">
                <table className="table" aria-label="Runbook telemetry">
                  <thead>
                    <tr>
                      <th>Runbook</th>
                      <th className="num">Runs</th>
                      <th>Success rate</th>
                      <th className="num">Failing now</th>
                      <th className="num">Refused</th>
                      <th className="num">p50</th>
                      <th className="num">p95</th>
                    </tr>
                  </thead>
                  <tbody>
                    {overview.data.runbooks.map((r) => (
                      <tr key={r.runbookId}>
                        <td>
                          <Link prefetch={false} href={`/runbooks/${r.runbookId}/stats?days=${days}`}>
                            {r.title}
                          </Link>
                          <div className="muted small mono">{r.runbookId}</div>
                        </td>
                        <td className="num">{r.runs}</td>
                        <td>
                          {r.successRate !== null ? (
                            <meter
                              className="rate"
                              min={0}
                              max={1}
                              low={0.8}
                              high={0.95}
                              optimum={1}
                              value={r.successRate}
                            />
                          ) : null}
                          {formatRate(r.successRate)}
                          <span className="muted small">
                            {" "}
                            ({r.succeeded} of {r.succeeded + r.cancelled + r.failing})
                          </span>
                        </td>
                        <td className="num">{r.failing}</td>
                        <td className="num">{r.refused}</td>
                        <td className="num">{formatSeconds(r.p50Seconds)}</td>
                        <td className="num">{formatSeconds(r.p95Seconds)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          <section className="card">
            <h2>Why steps fail</h2>
            <FailureBuckets buckets={overview.data.failures} showRunbook />
          </section>
        </div>
      ) : null}
    </>
  );
}

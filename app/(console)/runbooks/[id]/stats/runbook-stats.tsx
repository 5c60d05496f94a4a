"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { FormError } from "@/app/_components/form-error";
import { formatRate, formatSeconds } from "@/lib/format/duration";
import { readClientError } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";
import { FailureBuckets } from "../../../telemetry/failure-buckets";
import { RangeTabs } from "../../../telemetry/range-tabs";
import { TrendChart } from "../../../telemetry/trend-chart";

export function RunbookStats({ runbookId, days }: { runbookId: string; days: number }) {
  const trpc = useTRPC();
  const stats = useQuery(trpc.telemetry.runbook.queryOptions({ runbookId, days }));
  const s = stats.data?.summary;
  return (
    <>
      <p className="back-link">
        <Link prefetch={false} href={`/runbooks/${runbookId}`}>← {stats.data?.runbook.title ?? runbookId}</Link> ·{" "}
        <Link prefetch={false} href="/telemetry">All telemetry</Link>
      </p>
      <div className="page-header">
        <div>
          <h1>Telemetry: {stats.data?.runbook.title ?? runbookId}</h1>
          <p>Runs, success, durations and failures of this runbook and each of its steps.</p>
        </div>
      </div>
      <RangeTabs base={`/runbooks/${runbookId}/stats`} days={days} />
      {stats.isError ? <FormError error={readClientError(stats.error)} /> : null}
      {stats.data ? (
        <div className="stack">
          <section className="card">
            <h2>Summary</h2>
            {s ? (
              <dl className="row stat-row">
                <div>
                  <dt className="muted small">Runs</dt>
                  <dd>{s.runs}</dd>
                </div>
                <div>
                  <dt className="muted small">Success rate</dt>
                  <dd>
                    {formatRate(s.successRate)}{" "}
                    <span className="muted small">
                      ({s.succeeded} succeeded, {s.cancelled} aborted, {s.refused} refused, {s.failing} failing now,{" "}
                      {s.active} going)
                    </span>
                  </dd>
                </div>
                <div>
                  <dt className="muted small">p50 / p95 to success</dt>
                  <dd>
                    {formatSeconds(s.p50Seconds)} / {formatSeconds(s.p95Seconds)}
                  </dd>
                </div>
              </dl>
            ) : (
              <p className="empty">No run of this runbook started in the last {days} days.</p>
            )}
            <TrendChart points={stats.data.trend} label={`Runs of ${runbookId} per day, last ${days} days`} />
          </section>
          <section className="card">
            <h2>Steps</h2>
            <p className="muted small">
              Durations count from when a step became current (its job&apos;s start, or the end of the step before) to
              its success, so manual steps include the wait for a person.
            </p>
            {stats.data.steps.length === 0 ? (
              <p className="empty">No step has run in this range.</p>
            ) : (
              <div className="table-wrap">
                <table className="table" aria-label="Step telemetry">
                  <thead>
                    <tr>
                      <th>Step</th>
                      <th className="num">Reached</th>
                      <th>Success rate</th>
                      <th className="num">Retries</th>
                      <th className="num">Skipped</th>
                      <th className="num">p50</th>
                      <th className="num">p95</th>
                    </tr>
                  </thead>
                  <tbody>
                    {stats.data.steps.map((step) => (
                      <tr key={step.stepId}>
                        <td>
                          <span className="mono">{step.stepId}</span>{" "}
                          <span className={`badge kind-${step.kind}`}>{step.kind}</span>
                        </td>
                        <td className="num">{step.reached}</td>
                        <td>
                          {step.successRate !== null ? (
                            <meter
                              className="rate"
                              min={0}
                              max={1}
                              low={0.8}
                              high={0.95}
                              optimum={1}
                              value={step.successRate}
                            />
                          ) : null}
                          {formatRate(step.successRate)}
                          {step.failing > 0 ? <span className="text-danger small"> {step.failing} failing</span> : null}
                        </td>
                        <td className="num">{step.retries}</td>
                        <td className="num">{step.skipped}</td>
                        <td className="num">{formatSeconds(step.p50Seconds)}</td>
                        <td className="num">{formatSeconds(step.p95Seconds)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          <section className="card">
            <h2>Why steps fail</h2>
            <FailureBuckets buckets={stats.data.failures} showRunbook={false} />
          </section>
        </div>
      ) : null}
    </>
  );
}

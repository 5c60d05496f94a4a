"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { FormError } from "@/app/_components/form-error";
import { formatDateTime } from "@/lib/format/time";
import { readClientError } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";
import { Labels } from "../labels";
import { RiskBadge } from "@/app/_components/risk-badge";
import { RunbookInputs } from "./runbook-inputs";
import { RunbookLocks } from "./runbook-locks";
import { RunbookSteps } from "./runbook-steps";
import { RunbookVersions } from "./runbook-versions";
import { readingScopeOf } from "./reading-scope";

export function RunbookDetail({ runbookId, canStart }: { runbookId: string; canStart: boolean }) {
  const trpc = useTRPC();
  const runbook = useQuery(trpc.runbooks.get.queryOptions({ runbookId }));

  if (runbook.isPending) return <p className="muted">Loading…</p>;
  if (runbook.isError) {
    const error = readClientError(runbook.error);
    return (
      <div className="stack">
        <BackLink />
        {error.code === "NOT_FOUND" ? (
          <section className="card stack">
            <h1>No runbook has this id</h1>
            <p className="muted">
              There is no runbook <code>{runbookId}</code>. It may have been renamed; find it in the catalog.
            </p>
          </section>
        ) : (
          <FormError error={error} />
        )}
      </div>
    );
  }

  const { data } = runbook;
  // The page describes the runbook before any run: a value it will be given reads as words ("the chosen service").
  const reading = readingScopeOf(data.definition);
  return (
    <div className="stack runbook-page">
      <BackLink />
      <div className="page-header">
        <div className="stack runbook-heading">
          <div className="row">
            <h1>{data.title}</h1>
            <RiskBadge risk={data.risk} />
          </div>
          <p>{data.summary}</p>
          <Labels services={data.services} tags={data.tags} />
          <p className="muted small">
            <span className="mono">{data.id}</span> · version {data.version.number}, loaded{" "}
            {formatDateTime(data.version.loadedAt)} from <span className="mono">{data.filePath}</span> ·{" "}
            <Link prefetch={false} href={`/runbooks/${encodeURIComponent(data.id)}/stats`}>Telemetry</Link>
          </p>
        </div>
        {canStart ? (
          <Link prefetch={false} className="button" href={`/runbooks/${encodeURIComponent(data.id)}/start`}>
            Start a run
          </Link>
        ) : (
          <p className="muted small">Starting a run needs the responder role.</p>
        )}
      </div>
      <RunbookInputs inputs={data.definition.inputs} />
      <RunbookLocks locks={data.definition.locks} reading={reading} />
      <RunbookSteps steps={data.definition.steps} reading={reading} />
      <RunbookVersions runbookId={data.id} versions={data.versions} current={data.version.number} />
    </div>
  );
}

function BackLink() {
  return (
    <Link prefetch={false} className="back-link" href="/runbooks">
      ← All runbooks
    </Link>
  );
}

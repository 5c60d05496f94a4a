"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { FormError } from "@/app/_components/form-error";
import { StepStatusBadge } from "@/app/_components/status-badge";
import type { StepStatus } from "@/db/schema/runs";
import { formatDateTime } from "@/lib/format/time";
import { readClientError } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";

type Kind = "operator" | "approvals" | "troubled";

const EMPTY: Record<Kind, string> = {
  operator: "No run is waiting for a person. Runs that need a step confirmed or executed show up here.",
  approvals: "No approval waits for you. Approvals you may give on other people's runs show up here.",
  troubled:
    "No run has failed or been interrupted. When one does, it shows up here for someone to retry, skip or abort.",
};

const ACTION: Record<Kind, string> = {
  operator: "Open the run",
  approvals: "Review and decide",
  troubled: "Decide what to do",
};

/** One of the home page's "needs you now" lists, refreshed every 15 s. */
export function NeedsYouList({ kind }: { kind: Kind }) {
  const trpc = useTRPC();
  const query = useQuery({ ...trpc.home.needsYou.queryOptions(), refetchInterval: 15_000 });
  if (query.isError) return <FormError error={readClientError(query.error)} />;
  if (query.isPending) return <p className="muted">Loading…</p>;
  if (kind === "operator" && !query.data.canAct)
    return <p className="empty">You are a viewer: runs need a responder to act. Nothing waits for you.</p>;
  const runs = query.data[kind];
  if (runs.length === 0) return <p className="empty">{EMPTY[kind]}</p>;
  return (
    <ul
      className="list needs-you"
      aria-label={
        kind === "operator"
          ? "Runs waiting for you"
          : kind === "approvals"
            ? "Approvals you may give"
            : "Failed or interrupted runs"
      }
    >
      {runs.map((run) => (
        <li key={`${run.runId}-${run.stepId}`}>
          <span className="stack-tight">
            <Link prefetch={false} href={`/runs/${run.runId}`}>
              <strong>
                Run {run.number}: {run.runbookTitle}
              </strong>
            </Link>
            <span className="small">
              {run.stepTitle} <StepStatusBadge status={run.stepStatus as StepStatus} />
              {run.mine ? (
                <span className="badge info">your run</span>
              ) : (
                <span className="muted"> · started by {run.startedBy}</span>
              )}
            </span>
            {run.error ? <span className="small text-danger">{run.error}</span> : null}
          </span>
          <span className="row">
            <Link prefetch={false} className="button small" href={`/runs/${run.runId}`}>
              {ACTION[kind]}
            </Link>
            <span className="muted small">since {formatDateTime(run.since)}</span>
          </span>
        </li>
      ))}
    </ul>
  );
}

import Link from "next/link";
import { RunStatusBadge } from "@/app/_components/status-badge";
import { formatDateTime } from "@/lib/format/time";
import type { IncidentView } from "./types";

/** The runs started inside the incident. */
export function AttachedRuns({ runs }: { runs: IncidentView["runs"] }) {
  return (
    <section className="card" aria-labelledby="runs-title">
      <h2 id="runs-title">Runs</h2>
      {runs.length === 0 ? (
        <p className="muted small">No run yet. Start a suggested runbook, and its steps join the timeline.</p>
      ) : null}
      <ul className="list" aria-label="Runs in this incident">
        {runs.map((run) => (
          <li key={run.id}>
            <span className="stack">
              <Link prefetch={false} href={`/runs/${run.id}`}>
                Run {run.number}: {run.runbookTitle}
              </Link>
              <span className="small muted">{formatDateTime(run.createdAt)}</span>
            </span>
            <RunStatusBadge status={run.status} />
          </li>
        ))}
      </ul>
    </section>
  );
}

import Link from "next/link";
import type { ReactNode } from "react";
import { formatDateTime } from "@/lib/format/time";
import { RUN_STATUS_LABELS, statusTone } from "@/lib/runs/status-labels";
import type { TimelineEntryView } from "./types";

/**
 * A run's progress between two decisions, folded into one timeline entry: which runbook, how it
 * stands, how many steps; opening it shows every entry as the audit trail has it.
 */
export function TimelineRunGroup({
  run,
  entries,
  steps,
  troubled,
  children,
}: {
  run: NonNullable<TimelineEntryView["run"]>;
  entries: TimelineEntryView[];
  steps: number;
  troubled: boolean;
  /** The grouped entries, as the timeline renders them. */
  children: ReactNode;
}) {
  const first = entries[0]!;
  const last = entries.at(-1)!;
  return (
    <li data-testid="timeline-run-group" data-category="run" className="timeline-run-group">
      <details>
        <summary>
          <span className="badge info">Run</span> <Link href={`/runs/${run.id}`}>Run {run.number}</Link>:{" "}
          {run.runbookTitle} · {steps === 1 ? "1 step" : `${steps} steps`}, {entries.length} entries{" "}
          <span className={`badge ${statusTone(run.status)}`} title="How the run stands now">
            {RUN_STATUS_LABELS[run.status]}
          </span>
          {troubled ? <span className="badge danger">failure</span> : null}
        </summary>
        <ol className="list timeline" aria-label={`Entries of run ${run.number}`}>
          {children}
        </ol>
      </details>
      <span className="small muted">
        #{first.seq}–#{last.seq} · {formatDateTime(first.at)}
      </span>
    </li>
  );
}

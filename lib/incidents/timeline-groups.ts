import type { RunStatus } from "@/db/schema";

/** What grouping needs of a timeline entry (server/incidents/timeline.ts has the whole of it). */
export type GroupableEntry = {
  seq: number;
  eventType: string;
  outcome: string;
  category: string;
  stepId: string | null;
  run: { id: string; number: number; runbookId: string; runbookTitle: string; status: RunStatus } | null;
};

export type TimelineItem<Entry extends GroupableEntry> =
  | { kind: "entry"; entry: Entry }
  | {
      kind: "run";
      /** The first entry's sequence number: stable while the group grows live. */
      key: number;
      run: NonNullable<Entry["run"]>;
      entries: Entry[];
      /** Distinct steps the grouped entries are about. */
      steps: number;
      /** Some grouped entry failed or was refused. */
      troubled: boolean;
    };

/**
 * Run events a person decided, which stay on the timeline at the top level beside notes and
 * approvals; every other run and step event is the engine's progress, and is folded.
 */
const DECISIONS = new Set([
  "run.abort_requested",
  "run.command_refused",
  "step.skipped",
  "step.retried",
  "compensation.retried",
]);

function isProgress(entry: GroupableEntry): boolean {
  return (
    entry.run !== null && (entry.category === "run" || entry.category === "step") && !DECISIONS.has(entry.eventType)
  );
}

/**
 * The incident timeline as people read it: consecutive progress entries of one run fold into
 * one item (runbook, outcome, step count), while notes, approvals, refusals and other decisions
 * stay visible on their own. A single progress entry between two decisions stays as it is.
 */
export function groupTimeline<Entry extends GroupableEntry>(entries: Entry[]): TimelineItem<Entry>[] {
  const items: TimelineItem<Entry>[] = [];
  let pending: Entry[] = [];
  const flush = () => {
    if (pending.length === 1) items.push({ kind: "entry", entry: pending[0]! });
    else if (pending.length > 1)
      items.push({
        kind: "run",
        key: pending[0]!.seq,
        run: pending[0]!.run!,
        entries: pending,
        steps: new Set(pending.flatMap((e) => (e.stepId ? [e.stepId] : []))).size,
        troubled: pending.some((e) => e.outcome === "failure" || e.outcome === "refused"),
      });
    pending = [];
  };
  for (const entry of entries) {
    if (isProgress(entry) && (pending.length === 0 || pending[0]!.run!.id === entry.run!.id)) {
      pending.push(entry);
      continue;
    }
    flush();
    if (isProgress(entry)) pending.push(entry);
    else items.push({ kind: "entry", entry });
  }
  flush();
  return items;
}

import { describe, expect, it } from "vitest";
import { groupTimeline, type GroupableEntry } from "./timeline-groups";

const runA = {
  id: "a",
  number: 7,
  runbookId: "whitelist-ip",
  runbookTitle: "Allow an IP",
  status: "succeeded" as const,
};
const runB = { id: "b", number: 8, runbookId: "rollback", runbookTitle: "Roll back", status: "failed" as const };

let seq = 0;
function entry(eventType: string, extra: Partial<GroupableEntry> = {}): GroupableEntry {
  const category = eventType.startsWith("incident.note")
    ? "note"
    : eventType.startsWith("incident.")
      ? "incident"
      : eventType.startsWith("approval.")
        ? "approval"
        : eventType.startsWith("step.")
          ? "step"
          : "run";
  return { seq: ++seq, eventType, outcome: "success", category, stepId: null, run: null, ...extra };
}
const ofA = (eventType: string, stepId: string | null = null, extra: Partial<GroupableEntry> = {}) =>
  entry(eventType, { run: runA, stepId, ...extra });

/** Each item as a short string, to read the shape at a glance. */
const shape = (entries: GroupableEntry[]) =>
  groupTimeline(entries).map((item) =>
    item.kind === "entry"
      ? item.entry.eventType
      : `run ${item.run.number}: ${item.entries.length} entries, ${item.steps} steps${item.troubled ? ", troubled" : ""}`,
  );

describe("groupTimeline", () => {
  it("folds a run's progress between two notes into one item, counting its steps", () => {
    const timeline = [
      entry("incident.declared"),
      entry("incident.note_added"),
      ofA("run.started"),
      ofA("run.lock_acquired"),
      ofA("step.confirmed", "announce"),
      ofA("step.started", "check"),
      ofA("step.succeeded", "check"),
      ofA("step.planned", "apply"),
      ofA("step.execution_requested", "apply"),
      ofA("step.succeeded", "apply"),
      ofA("run.succeeded"),
      entry("incident.note_added"),
    ];
    expect(shape(timeline)).toEqual([
      "incident.declared",
      "incident.note_added",
      "run 7: 9 entries, 3 steps",
      "incident.note_added",
    ]);
    const group = groupTimeline(timeline)[2]!;
    expect(group).toMatchObject({ kind: "run", key: timeline[2]!.seq, run: { runbookTitle: "Allow an IP" } });
  });

  it("keeps approvals, refusals and other decisions at the top level, splitting the run's progress around them", () => {
    expect(
      shape([
        ofA("run.started"),
        ofA("step.succeeded", "check"),
        ofA("approval.requested", "approve"),
        ofA("approval.refused", "approve", { outcome: "refused" }),
        ofA("step.planned", "apply"),
        ofA("step.failed", "apply", { outcome: "failure" }),
        ofA("step.retried", "apply"),
        ofA("step.started", "apply"),
        ofA("step.succeeded", "apply"),
        ofA("run.abort_requested"),
        ofA("run.cancelled"),
      ]),
    ).toEqual([
      "run 7: 2 entries, 1 steps",
      "approval.requested",
      "approval.refused",
      "run 7: 2 entries, 1 steps, troubled",
      "step.retried",
      "run 7: 2 entries, 1 steps",
      "run.abort_requested",
      "run.cancelled",
    ]);
  });

  it("never mixes two runs in one item, and leaves a lone progress entry as it is", () => {
    expect(
      shape([
        ofA("run.started"),
        ofA("run.lock_acquired"),
        entry("step.failed", { run: runB, stepId: "x", outcome: "failure" }),
        entry("run.started", { run: runB }),
        ofA("run.succeeded"),
      ]),
    ).toEqual(["run 7: 2 entries, 0 steps", "run 8: 2 entries, 1 steps, troubled", "run.succeeded"]);
    expect(shape([])).toEqual([]);
  });
});

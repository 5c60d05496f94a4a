import { createHash } from "node:crypto";
import { asc, eq, inArray } from "drizzle-orm";
import type { Database, Queryable } from "@/db/client";
import { incidentFollowUps, runbookVersions, runs, runSteps } from "@/db/schema";
import { formatDateTime } from "@/lib/format/time";
import { SEVERITY_DESCRIPTIONS, STATUS_LABELS } from "@/lib/incidents/status";
import { RUN_STATUS_LABELS, STEP_STATUS_LABELS } from "@/lib/runs/status-labels";
import { appendAuditEvent } from "../audit/append";
import type { Actor } from "../audit/actor";
import { displayText } from "../runs/display-text";
import { peopleById, type Person } from "./participants";
import { findIncident, listAttachedRuns, trackedItems } from "./queries";
import { incidentTimeline, type TimelineEntry } from "./timeline";

/** Timeline entries a postmortem reader does not need: the machinery between the steps that matter. */
const QUIET_EVENTS = new Set([
  "run.lock_acquired",
  "step.started",
  "step.planned",
  "step.execution_requested",
  "incident.note_pinned",
  "incident.note_unpinned",
]);

export type PostmortemDraft = { markdown: string; fileName: string; incidentNumber: number };

/**
 * A postmortem draft in Markdown, written from the record: the summary and impact written at
 * resolution, the timeline (current notes, not superseded ones), what each run did and how it
 * ended, and the follow-ups. A draft: people edit it after downloading.
 */
export async function draftPostmortem(db: Queryable, incidentId: string): Promise<PostmortemDraft> {
  const incident = await findIncident(db, incidentId);
  const { entries } = await incidentTimeline(db, incidentId);
  const attached = await listAttachedRuns(db, incidentId);
  const followUps = await db
    .select()
    .from(incidentFollowUps)
    .where(eq(incidentFollowUps.incidentId, incidentId))
    .orderBy(asc(incidentFollowUps.createdAt));
  const people = await peopleById(db, [
    incident.commanderId,
    incident.scribeId,
    incident.declaredBy,
    ...followUps.map((f) => f.ownerId),
  ]);
  const steps = await stepsOf(
    db,
    attached.map((r) => r.id),
  );
  const tracked = await trackedItems(
    db,
    followUps.map((f) => f.checklistItemId),
  );
  const who = (id: string | null) => (id ? personLabel(people.get(id)) : "nobody");

  const lines: string[] = [];
  lines.push(`# Postmortem draft: Incident ${incident.number}, ${oneLine(incident.title)}`, "");
  lines.push(`- **Severity:** ${incident.severity} (${SEVERITY_DESCRIPTIONS[incident.severity]})`);
  lines.push(`- **Status:** ${STATUS_LABELS[incident.status]}`);
  lines.push(`- **Declared:** ${formatDateTime(incident.declaredAt)} by ${who(incident.declaredBy)}`);
  lines.push(
    `- **Resolved:** ${incident.resolvedAt ? `${formatDateTime(incident.resolvedAt)} (after ${duration(incident.resolvedAt.getTime() - incident.declaredAt.getTime())})` : "not yet"}`,
  );
  lines.push(`- **Commander:** ${who(incident.commanderId)}`);
  lines.push(`- **Scribe:** ${who(incident.scribeId)}`);
  lines.push(`- **Services:** ${incident.services.join(", ") || "none named"}`);
  lines.push(`- **Tags:** ${incident.tags.join(", ") || "none"}`, "");

  lines.push(
    "## Summary",
    "",
    incident.summary?.trim() || "_Not written yet: the summary is written when the incident is resolved._",
    "",
  );
  lines.push(
    "## Impact",
    "",
    incident.impact?.trim() || "_Not written yet: say who or what was affected, and for how long._",
    "",
  );

  lines.push("## Timeline", "", "All times UTC.", "");
  const shown = entries.filter((e) => !QUIET_EVENTS.has(e.eventType) && !e.note?.supersededById);
  if (shown.length === 0) lines.push("_Nothing recorded._");
  for (const entry of shown) lines.push(`- ${timeOf(entry)} (${entry.actorLabel}) ${timelineText(entry)}`);
  lines.push("");

  lines.push("## Actions taken", "");
  if (attached.length === 0) lines.push("_No runbook was run inside this incident._");
  for (const run of attached) {
    const ended = run.endedAt ? ` at ${formatDateTime(run.endedAt)}` : "";
    lines.push(
      `- **Run ${run.number}: ${oneLine(run.runbookTitle)}** (\`${run.runbookId}\`), started ${formatDateTime(run.createdAt)}: ${RUN_STATUS_LABELS[run.status]}${ended}`,
    );
    for (const step of steps.get(run.id) ?? []) {
      const detail = step.error ? `: ${oneLine(step.error)}` : step.skipReason ? `: ${oneLine(step.skipReason)}` : "";
      lines.push(`  - ${oneLine(step.title)}: ${STEP_STATUS_LABELS[step.status]}${detail}`);
    }
  }
  lines.push("");

  lines.push("## Follow-ups", "");
  if (followUps.length === 0) lines.push("_None yet: add them on the incident page._");
  for (const item of followUps) {
    const where = item.checklistItemId ? tracked.get(item.checklistItemId) : undefined;
    const done = where?.status === "done" || where?.status === "waived" || where?.status === "not_applicable";
    const trackedIn = where
      ? `; tracked in checklist ${where.checklistNumber} "${oneLine(where.checklistName)}": ${where.statusLabel.toLowerCase()}, ${where.priority}, due ${where.dueDate}`
      : "";
    lines.push(`- [${done ? "x" : " "}] ${oneLine(item.text)} (owner: ${who(item.ownerId)}${trackedIn})`);
  }
  lines.push("");

  return {
    markdown: lines.join("\n"),
    fileName: `incident-${incident.number}-postmortem.md`,
    incidentNumber: incident.number,
  };
}

/** The draft as a download, recorded in the audit trail (who took a copy of the record, and which). */
export async function exportPostmortem(db: Database, actor: Actor, incidentId: string): Promise<PostmortemDraft> {
  const draft = await draftPostmortem(db, incidentId);
  await appendAuditEvent(db, actor, {
    eventType: "incident.postmortem_exported",
    outcome: "success",
    entityType: "incident",
    entityId: incidentId,
    meta: {
      incidentNumber: draft.incidentNumber,
      format: "markdown",
      fileName: draft.fileName,
      bytes: Buffer.byteLength(draft.markdown),
      sha256: createHash("sha256").update(draft.markdown).digest("hex"),
    },
  });
  return draft;
}

async function stepsOf(db: Queryable, runIds: string[]) {
  const byRun = new Map<
    string,
    {
      title: string;
      status: (typeof runSteps.$inferSelect)["status"];
      error: string | null;
      skipReason: string | null;
    }[]
  >();
  if (runIds.length === 0) return byRun;
  const rows = await db
    .select({
      runId: runSteps.runId,
      position: runSteps.position,
      status: runSteps.status,
      error: runSteps.error,
      skipReason: runSteps.skipReason,
      definition: runbookVersions.definition,
      inputs: runs.inputs,
      number: runs.number,
    })
    .from(runSteps)
    .innerJoin(runs, eq(runs.id, runSteps.runId))
    .innerJoin(runbookVersions, eq(runbookVersions.id, runs.runbookVersionId))
    .where(inArray(runSteps.runId, runIds))
    .orderBy(asc(runSteps.runId), asc(runSteps.position));
  for (const row of rows) {
    const scope = {
      inputs: Object.fromEntries(Object.entries(row.inputs).filter(([, v]) => typeof v !== "object")),
      steps: {},
      run: { id: row.runId, number: row.number, startedBy: "" },
    };
    const title = displayText(
      row.definition.steps[row.position]?.title ?? `Step ${row.position + 1}`,
      scope,
      row.definition,
    );
    const list = byRun.get(row.runId) ?? [];
    list.push({ title, status: row.status, error: row.error, skipReason: row.skipReason });
    byRun.set(row.runId, list);
  }
  return byRun;
}

function timelineText(entry: TimelineEntry): string {
  const prefix = entry.run ? `Run ${entry.run.number}: ` : "";
  if (entry.note)
    return `${entry.note.pinned ? "**Pinned note:** " : "Note: "}${oneLine(entry.note.body)}${entry.note.supersedesId ? " (edited)" : ""}`;
  return `${prefix}${oneLine(entry.text)}`;
}

function timeOf(entry: TimelineEntry): string {
  return entry.at.toISOString().slice(0, 19).replace("T", " ");
}

function personLabel(person: Person | undefined): string {
  return person ? `${person.name} (${person.email})` : "unknown";
}

/** Text inside a list item: one line, so a pasted paragraph cannot break the list. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function duration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${minutes % 60} min`;
}

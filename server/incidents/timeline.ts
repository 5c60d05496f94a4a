import { and, asc, eq, inArray, ne, or } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { auditEvents, incidentNotes, runbooks, runs, type RunStatus } from "@/db/schema";
import { describeAuditEvent } from "@/lib/audit/describe";
import { findIncident } from "./queries";

export type TimelineCategory = "incident" | "status" | "role" | "note" | "follow_up" | "run" | "step" | "approval";

export type TimelineNote = {
  id: string;
  body: string;
  pinned: boolean;
  /** The note this one replaced (an edit). */
  supersedesId: string | null;
  /** The note that replaced this one; set means this text is no longer current. */
  supersededById: string | null;
};

export type TimelineEntry = {
  seq: number;
  at: Date;
  eventType: string;
  outcome: string;
  actorLabel: string;
  category: TimelineCategory;
  text: string;
  run: { id: string; number: number; runbookId: string; runbookTitle: string; status: RunStatus } | null;
  stepId: string | null;
  note: TimelineNote | null;
};

/** More than any real incident has; past it the page says the timeline is cut. */
const TIMELINE_LIMIT = 5000;

/**
 * One incident's timeline, read from the audit trail: its own events (declared, status, roles,
 * notes, follow-ups) merged with every event of the runs started inside it (the run, its steps,
 * its approvals), in audit sequence order. Notes carry their current pin and edit chain.
 */
export async function incidentTimeline(
  db: Queryable,
  incidentId: string,
): Promise<{ entries: TimelineEntry[]; truncated: boolean }> {
  await findIncident(db, incidentId);
  const attached = await db
    .select({
      id: runs.id,
      number: runs.number,
      runbookId: runs.runbookId,
      runbookTitle: runbooks.title,
      status: runs.status,
    })
    .from(runs)
    .innerJoin(runbooks, eq(runbooks.id, runs.runbookId))
    .where(eq(runs.incidentId, incidentId));
  const runsById = new Map(attached.map((r) => [r.id, r]));
  const ownEvents = and(
    eq(auditEvents.entityType, "incident"),
    eq(auditEvents.entityId, incidentId),
    ne(auditEvents.eventType, "incident.postmortem_exported"),
  );
  const runEvents =
    attached.length > 0
      ? and(eq(auditEvents.entityType, "run"), inArray(auditEvents.entityId, [...runsById.keys()]))
      : undefined;
  const rows = await db
    .select({
      seq: auditEvents.seq,
      eventType: auditEvents.eventType,
      outcome: auditEvents.outcome,
      actorLabel: auditEvents.actorLabel,
      entityType: auditEvents.entityType,
      entityId: auditEvents.entityId,
      eventMeta: auditEvents.eventMeta,
      createdAt: auditEvents.createdAt,
    })
    .from(auditEvents)
    .where(runEvents ? or(ownEvents, runEvents) : ownEvents)
    .orderBy(asc(auditEvents.seq))
    .limit(TIMELINE_LIMIT + 1);

  const notes = await db.select().from(incidentNotes).where(eq(incidentNotes.incidentId, incidentId));
  const supersededBy = new Map(notes.filter((n) => n.supersedesId).map((n) => [n.supersedesId!, n.id]));
  const notesById = new Map(notes.map((n) => [n.id, n]));

  const entries = rows.slice(0, TIMELINE_LIMIT).map((row): TimelineEntry => {
    const meta = row.eventMeta;
    const run = row.entityType === "run" ? (runsById.get(row.entityId ?? "") ?? null) : null;
    const noteId =
      typeof meta.noteId === "string" &&
      (row.eventType === "incident.note_added" || row.eventType === "incident.note_edited")
        ? meta.noteId
        : null;
    const note = noteId ? notesById.get(noteId) : undefined;
    return {
      seq: row.seq,
      at: row.createdAt,
      eventType: row.eventType,
      outcome: row.outcome,
      actorLabel: row.actorLabel,
      category: categoryOf(row.eventType),
      text: describeAuditEvent(row),
      run,
      stepId: typeof meta.stepId === "string" ? meta.stepId : null,
      note: note
        ? {
            id: note.id,
            body: note.body,
            pinned: note.pinned,
            supersedesId: note.supersedesId,
            supersededById: supersededBy.get(note.id) ?? null,
          }
        : null,
    };
  });
  return { entries, truncated: rows.length > TIMELINE_LIMIT };
}

export function categoryOf(eventType: string): TimelineCategory {
  if (eventType === "incident.status_changed" || eventType === "incident.reopened") return "status";
  if (eventType === "incident.role_assigned") return "role";
  if (eventType.startsWith("incident.note_")) return "note";
  if (eventType === "incident.follow_up_added" || eventType === "incident.follow_up_tracked") return "follow_up";
  if (eventType.startsWith("incident.")) return "incident";
  if (eventType.startsWith("approval.")) return "approval";
  if (eventType.startsWith("step.") || eventType.startsWith("compensation.")) return "step";
  return "run";
}

import { eq, sql } from "drizzle-orm";
import type { Database, Transaction } from "@/db/client";
import { incidentFollowUps, incidentNotes, incidents, type Incident } from "@/db/schema";
import { checkStatusMove, REOPENED_STATUS, STATUS_LABELS } from "@/lib/incidents/status";
import { hasRole, type Role } from "@/lib/roles";
import type {
  AddFollowUpInput,
  AddIncidentNoteInput,
  AssignIncidentRoleInput,
  ChangeIncidentStatusInput,
  DeclareIncidentInput,
  EditIncidentNoteInput,
  PinIncidentNoteInput,
  ReopenIncidentInput,
} from "@/lib/schemas/incidents";
import { appendAuditEvent, type AuditEventInput } from "../audit/append";
import type { Actor } from "../audit/actor";
import { AppError } from "../errors";
import { notifyIncidentChanged } from "../live/notify";
import { peopleById, requireKnownServices, requireParticipant } from "./participants";

/** Who is acting: the audit actor and the role the server checks. */
export type IncidentActor = Actor & { userId: string; role: Role };

/** Declares an incident; its commander is the declarer unless someone else is named. */
export async function declareIncident(db: Database, actor: IncidentActor, input: DeclareIncidentInput): Promise<{ incidentId: string; number: number }> {
  const services = await requireKnownServices(db, input.services);
  const tags = [...new Set(input.tags)].sort();
  const commander = await requireParticipant(db, input.commanderId ?? actor.userId, "commanderId", "commander");
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(incidents)
      .values({ title: input.title, severity: input.severity, services, tags, commanderId: commander.id, declaredBy: actor.userId })
      .returning({ id: incidents.id, number: incidents.number, version: incidents.version });
    await appendAuditEvent(tx, actor, {
      eventType: "incident.declared",
      outcome: "success",
      entityType: "incident",
      entityId: row!.id,
      meta: { incidentNumber: row!.number, title: input.title, severity: input.severity, services, tags, commanderId: commander.id, commanderLabel: commander.email },
    });
    await notifyIncidentChanged(tx, row!.id, row!.version);
    return { incidentId: row!.id, number: row!.number };
  });
}

/** Moves an incident along investigating → identified → monitoring → resolved; resolving needs a summary. */
export async function changeIncidentStatus(db: Database, actor: IncidentActor, input: ChangeIncidentStatusInput): Promise<{ status: string; version: number }> {
  return db.transaction(async (tx) => {
    const incident = await lockIncident(tx, input.incidentId);
    const move = checkStatusMove(incident.status, input.status);
    if (!move.ok) throw AppError.field("status", move.message, "CONFLICT");
    const resolving = input.status === "resolved";
    const summary = input.summary?.trim() ?? "";
    if (resolving && summary.length < 10) throw AppError.field("summary", "Write a summary to resolve: what happened and what fixed it (at least 10 characters)");
    const impact = input.impact?.trim() || null;
    const version = await saveIncident(tx, incident, {
      status: input.status,
      ...(resolving ? { summary, impact: impact ?? incident.impact, resolvedAt: new Date() } : {}),
    });
    await audit(tx, actor, incident, "incident.status_changed", {
      from: incident.status,
      to: input.status,
      ...(resolving ? { summary, ...(impact ? { impact } : {}) } : {}),
    });
    await notifyIncidentChanged(tx, incident.id, version);
    return { status: input.status, version };
  });
}

/** The only way out of resolved: back to investigating, with a reason. The old summary stays until it is resolved again. */
export async function reopenIncident(db: Database, actor: IncidentActor, input: ReopenIncidentInput): Promise<{ status: string; version: number }> {
  return db.transaction(async (tx) => {
    const incident = await lockIncident(tx, input.incidentId);
    if (incident.status !== "resolved") throw AppError.field("incidentId", `Incident ${incident.number} is ${STATUS_LABELS[incident.status].toLowerCase()}, not resolved: there is nothing to reopen.`, "CONFLICT");
    const version = await saveIncident(tx, incident, { status: REOPENED_STATUS, resolvedAt: null });
    await audit(tx, actor, incident, "incident.reopened", { from: "resolved", to: REOPENED_STATUS, reason: input.reason });
    await notifyIncidentChanged(tx, incident.id, version);
    return { status: REOPENED_STATUS, version };
  });
}

/** Whether `actor` may hand an incident's roles to someone: its commander, a lead or an admin. */
export function mayAssignRoles(actor: { userId: string; role: Role }, incident: Pick<Incident, "commanderId">): boolean {
  return actor.userId === incident.commanderId || hasRole(actor.role, "lead");
}

/** Hands the commander or scribe role to someone (or leaves the scribe role empty). */
export async function assignIncidentRole(db: Database, actor: IncidentActor, input: AssignIncidentRoleInput): Promise<{ version: number }> {
  return db.transaction(async (tx) => {
    const incident = await lockIncident(tx, input.incidentId);
    if (!mayAssignRoles(actor, incident)) {
      throw new AppError("FORBIDDEN", `Only the incident's commander, a lead or an admin can change its ${input.role}.`);
    }
    const person = input.userId === null ? null : await requireParticipant(tx, input.userId, "userId", input.role);
    const column = input.role === "commander" ? "commanderId" : "scribeId";
    const previousId = incident[column];
    if ((person?.id ?? null) === previousId) {
      throw AppError.field("userId", person ? `${person.email} is already the ${input.role}.` : `The incident has no ${input.role}.`, "CONFLICT");
    }
    const previous = previousId ? (await peopleById(tx, [previousId])).get(previousId) : null;
    const version = await saveIncident(tx, incident, { [column]: person?.id ?? null });
    await audit(tx, actor, incident, "incident.role_assigned", {
      role: input.role,
      fromUserId: previousId,
      fromLabel: previous?.email ?? null,
      toUserId: person?.id ?? null,
      toLabel: person?.email ?? null,
    });
    await notifyIncidentChanged(tx, incident.id, version);
    return { version };
  });
}

/** Adds a note to an active incident's timeline. */
export async function addIncidentNote(db: Database, actor: IncidentActor, input: AddIncidentNoteInput): Promise<{ noteId: string }> {
  return db.transaction(async (tx) => {
    const incident = await lockIncident(tx, input.incidentId);
    requireActive(incident, "add a note");
    const [note] = await tx
      .insert(incidentNotes)
      .values({ incidentId: incident.id, body: input.body, authorId: actor.userId, authorLabel: actor.label, pinned: input.pinned })
      .returning({ id: incidentNotes.id });
    const version = await saveIncident(tx, incident, {});
    await audit(tx, actor, incident, "incident.note_added", { noteId: note!.id, body: input.body, pinned: input.pinned });
    await notifyIncidentChanged(tx, incident.id, version);
    return { noteId: note!.id };
  });
}

/**
 * An edit never changes the note: it adds a new note that supersedes it (the old one stays on
 * the timeline, marked superseded). Only the latest version of a note can be edited.
 */
export async function editIncidentNote(db: Database, actor: IncidentActor, input: EditIncidentNoteInput): Promise<{ noteId: string }> {
  return db.transaction(async (tx) => {
    const old = await findNote(tx, input.noteId);
    const incident = await lockIncident(tx, old.incidentId);
    requireActive(incident, "edit a note");
    const [newer] = await tx.select({ id: incidentNotes.id }).from(incidentNotes).where(eq(incidentNotes.supersedesId, old.id));
    if (newer) throw AppError.field("noteId", "This note was already edited: edit its latest version.", "CONFLICT");
    if (old.body === input.body) throw AppError.field("body", "The note says exactly this already: change the text to edit it.");
    const [note] = await tx
      .insert(incidentNotes)
      .values({ incidentId: incident.id, body: input.body, authorId: actor.userId, authorLabel: actor.label, pinned: old.pinned, supersedesId: old.id })
      .returning({ id: incidentNotes.id });
    const version = await saveIncident(tx, incident, {});
    await audit(tx, actor, incident, "incident.note_edited", { noteId: note!.id, supersedesNoteId: old.id, body: input.body, pinned: old.pinned });
    await notifyIncidentChanged(tx, incident.id, version);
    return { noteId: note!.id };
  });
}

/** Pins a note to the top of the incident page (or unpins it). */
export async function pinIncidentNote(db: Database, actor: IncidentActor, input: PinIncidentNoteInput): Promise<{ version: number }> {
  return db.transaction(async (tx) => {
    const note = await findNote(tx, input.noteId);
    const incident = await lockIncident(tx, note.incidentId);
    requireActive(incident, input.pinned ? "pin a note" : "unpin a note");
    const [newer] = await tx.select({ id: incidentNotes.id }).from(incidentNotes).where(eq(incidentNotes.supersedesId, note.id));
    if (newer) throw AppError.field("noteId", "This note was edited since: pin its latest version.", "CONFLICT");
    if (note.pinned === input.pinned) throw AppError.field("pinned", input.pinned ? "This note is already pinned." : "This note is not pinned.", "CONFLICT");
    await tx.update(incidentNotes).set({ pinned: input.pinned }).where(eq(incidentNotes.id, note.id));
    const version = await saveIncident(tx, incident, {});
    await audit(tx, actor, incident, input.pinned ? "incident.note_pinned" : "incident.note_unpinned", { noteId: note.id });
    await notifyIncidentChanged(tx, incident.id, version);
    return { version };
  });
}

/** A follow-up item for the postmortem. Allowed after resolution too: that is when most are written. */
export async function addFollowUp(db: Database, actor: IncidentActor, input: AddFollowUpInput): Promise<{ followUpId: string }> {
  return db.transaction(async (tx) => {
    const incident = await lockIncident(tx, input.incidentId);
    const owner = await requireParticipant(tx, input.ownerId, "ownerId", "owner");
    const [row] = await tx
      .insert(incidentFollowUps)
      .values({ incidentId: incident.id, text: input.text, ownerId: owner.id, createdBy: actor.userId })
      .returning({ id: incidentFollowUps.id });
    const version = await saveIncident(tx, incident, {});
    await audit(tx, actor, incident, "incident.follow_up_added", { followUpId: row!.id, text: input.text, ownerId: owner.id, ownerLabel: owner.email });
    await notifyIncidentChanged(tx, incident.id, version);
    return { followUpId: row!.id };
  });
}

/**
 * For startRun, inside its transaction: the incident a run is attached to must exist and be
 * unresolved. Locks its row, so it cannot be resolved while the run is being created, and tells
 * its open pages that a run joined.
 */
export async function attachRunToIncident(tx: Transaction, incidentId: string): Promise<void> {
  const [incident] = await tx.select().from(incidents).where(eq(incidents.id, incidentId)).for("update");
  if (!incident) throw AppError.field("incidentId", "There is no incident with this id.", "NOT_FOUND");
  if (incident.status === "resolved") throw AppError.field("incidentId", `Incident ${incident.number} is resolved: reopen it before starting runs inside it.`, "CONFLICT");
  const version = await saveIncident(tx, incident, {});
  await notifyIncidentChanged(tx, incident.id, version);
}

async function lockIncident(tx: Transaction, incidentId: string): Promise<Incident> {
  const [incident] = await tx.select().from(incidents).where(eq(incidents.id, incidentId)).for("update");
  if (!incident) throw AppError.field("incidentId", "There is no incident with this id.", "NOT_FOUND");
  return incident;
}

async function findNote(tx: Transaction, noteId: string) {
  const [note] = await tx.select().from(incidentNotes).where(eq(incidentNotes.id, noteId));
  if (!note) throw AppError.field("noteId", "There is no note with this id.", "NOT_FOUND");
  return note;
}

function requireActive(incident: Incident, what: string): void {
  if (incident.status === "resolved") throw AppError.field("incidentId", `Incident ${incident.number} is resolved: reopen it to ${what}.`, "CONFLICT");
}

async function saveIncident(tx: Transaction, incident: Incident, patch: Partial<typeof incidents.$inferInsert>): Promise<number> {
  const [row] = await tx
    .update(incidents)
    .set({ ...patch, version: sql`${incidents.version} + 1`, updatedAt: new Date() })
    .where(eq(incidents.id, incident.id))
    .returning({ version: incidents.version });
  return row!.version;
}

async function audit(tx: Transaction, actor: Actor, incident: Incident, eventType: string, meta: Record<string, unknown>): Promise<void> {
  const input: AuditEventInput = { eventType, outcome: "success", entityType: "incident", entityId: incident.id, meta: { incidentNumber: incident.number, ...meta } };
  await appendAuditEvent(tx, actor, input);
}

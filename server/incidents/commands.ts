import { and, eq, isNull, sql } from "drizzle-orm";
import type { Database, Transaction } from "@/db/client";
import {
  checklistItems,
  checklistTemplateVersions,
  incidentFollowUps,
  incidentNotes,
  incidents,
  users,
  type Incident,
} from "@/db/schema";
import { formatCalendarDate, todayUtc } from "@/lib/checklists/dates";
import { addedItemDue, FOLLOW_UP_SECTION } from "@/lib/checklists/template";
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
  TrackFollowUpInput,
} from "@/lib/schemas/incidents";
import { appendAuditEvent, type AuditEventInput } from "../audit/append";
import type { Actor } from "../audit/actor";
import { requireChecklist } from "../checklists/access";
import { auditItemAdded } from "../checklists/items";
import { AppError } from "../errors";
import { notifyIncidentChanged } from "../live/notify";
import { peopleById, requireKnownServices, requireParticipant } from "./participants";

/** Who is acting: the audit actor and the role the server checks. */
export type IncidentActor = Actor & { userId: string; role: Role };

/** Declares an incident; its commander is the declarer unless someone else is named. */
export async function declareIncident(
  db: Database,
  actor: IncidentActor,
  input: DeclareIncidentInput,
): Promise<{ incidentId: string; number: number }> {
  const services = await requireKnownServices(db, input.services);
  const tags = [...new Set(input.tags)].sort();
  const commander = await requireParticipant(db, input.commanderId ?? actor.userId, "commanderId", "commander");
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(incidents)
      .values({
        title: input.title,
        severity: input.severity,
        services,
        tags,
        commanderId: commander.id,
        declaredBy: actor.userId,
      })
      .returning({ id: incidents.id, number: incidents.number, version: incidents.version });
    await appendAuditEvent(tx, actor, {
      eventType: "incident.declared",
      outcome: "success",
      entityType: "incident",
      entityId: row!.id,
      meta: {
        incidentNumber: row!.number,
        title: input.title,
        severity: input.severity,
        services,
        tags,
        commanderId: commander.id,
        commanderLabel: commander.email,
      },
    });
    await notifyIncidentChanged(tx, row!.id, row!.version);
    return { incidentId: row!.id, number: row!.number };
  });
}

/** Moves an incident along investigating → identified → monitoring → resolved; resolving needs a summary. */
export async function changeIncidentStatus(
  db: Database,
  actor: IncidentActor,
  input: ChangeIncidentStatusInput,
): Promise<{ status: string; version: number }> {
  return db.transaction(async (tx) => {
    const incident = await lockIncident(tx, input.incidentId);
    const move = checkStatusMove(incident.status, input.status);
    if (!move.ok) throw AppError.field("status", move.message, "CONFLICT");
    const resolving = input.status === "resolved";
    const summary = input.summary?.trim() ?? "";
    if (resolving && summary.length < 10)
      throw AppError.field(
        "summary",
        "Write a summary to resolve: what happened and what fixed it (at least 10 characters)",
      );
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
export async function reopenIncident(
  db: Database,
  actor: IncidentActor,
  input: ReopenIncidentInput,
): Promise<{ status: string; version: number }> {
  return db.transaction(async (tx) => {
    const incident = await lockIncident(tx, input.incidentId);
    if (incident.status !== "resolved")
      throw AppError.field(
        "incidentId",
        `Incident ${incident.number} is ${STATUS_LABELS[incident.status].toLowerCase()}, not resolved: there is nothing to reopen.`,
        "CONFLICT",
      );
    const version = await saveIncident(tx, incident, { status: REOPENED_STATUS, resolvedAt: null });
    await audit(tx, actor, incident, "incident.reopened", {
      from: "resolved",
      to: REOPENED_STATUS,
      reason: input.reason,
    });
    await notifyIncidentChanged(tx, incident.id, version);
    return { status: REOPENED_STATUS, version };
  });
}

/** Whether `actor` may hand an incident's roles to someone: its commander, a lead or an admin. */
export function mayAssignRoles(
  actor: { userId: string; role: Role },
  incident: Pick<Incident, "commanderId">,
): boolean {
  return actor.userId === incident.commanderId || hasRole(actor.role, "lead");
}

/** Hands the commander or scribe role to someone (or leaves the scribe role empty). */
export async function assignIncidentRole(
  db: Database,
  actor: IncidentActor,
  input: AssignIncidentRoleInput,
): Promise<{ version: number }> {
  return db.transaction(async (tx) => {
    const incident = await lockIncident(tx, input.incidentId);
    if (!mayAssignRoles(actor, incident)) {
      throw new AppError(
        "FORBIDDEN",
        `Only the incident's commander, a lead or an admin can change its ${input.role}.`,
      );
    }
    const person = input.userId === null ? null : await requireParticipant(tx, input.userId, "userId", input.role);
    const column = input.role === "commander" ? "commanderId" : "scribeId";
    const previousId = incident[column];
    if ((person?.id ?? null) === previousId) {
      throw AppError.field(
        "userId",
        person ? `${person.email} is already the ${input.role}.` : `The incident has no ${input.role}.`,
        "CONFLICT",
      );
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
export async function addIncidentNote(
  db: Database,
  actor: IncidentActor,
  input: AddIncidentNoteInput,
): Promise<{ noteId: string }> {
  return db.transaction(async (tx) => {
    const incident = await lockIncident(tx, input.incidentId);
    requireActive(incident, "add a note");
    const [note] = await tx
      .insert(incidentNotes)
      .values({
        incidentId: incident.id,
        body: input.body,
        authorId: actor.userId,
        authorLabel: actor.label,
        pinned: input.pinned,
      })
      .returning({ id: incidentNotes.id });
    const version = await saveIncident(tx, incident, {});
    await audit(tx, actor, incident, "incident.note_added", {
      noteId: note!.id,
      body: input.body,
      pinned: input.pinned,
    });
    await notifyIncidentChanged(tx, incident.id, version);
    return { noteId: note!.id };
  });
}

/**
 * An edit never changes the note: it adds a new note that supersedes it (the old one stays on
 * the timeline, marked superseded). Only the latest version of a note can be edited.
 */
export async function editIncidentNote(
  db: Database,
  actor: IncidentActor,
  input: EditIncidentNoteInput,
): Promise<{ noteId: string }> {
  return db.transaction(async (tx) => {
    const old = await findNote(tx, input.noteId);
    const incident = await lockIncident(tx, old.incidentId);
    requireActive(incident, "edit a note");
    const [newer] = await tx
      .select({ id: incidentNotes.id })
      .from(incidentNotes)
      .where(eq(incidentNotes.supersedesId, old.id));
    if (newer) throw AppError.field("noteId", "This note was already edited: edit its latest version.", "CONFLICT");
    if (old.body === input.body)
      throw AppError.field("body", "The note says exactly this already: change the text to edit it.");
    const [note] = await tx
      .insert(incidentNotes)
      .values({
        incidentId: incident.id,
        body: input.body,
        authorId: actor.userId,
        authorLabel: actor.label,
        pinned: old.pinned,
        supersedesId: old.id,
      })
      .returning({ id: incidentNotes.id });
    const version = await saveIncident(tx, incident, {});
    await audit(tx, actor, incident, "incident.note_edited", {
      noteId: note!.id,
      supersedesNoteId: old.id,
      body: input.body,
      pinned: old.pinned,
    });
    await notifyIncidentChanged(tx, incident.id, version);
    return { noteId: note!.id };
  });
}

/** Pins a note to the top of the incident page (or unpins it). */
export async function pinIncidentNote(
  db: Database,
  actor: IncidentActor,
  input: PinIncidentNoteInput,
): Promise<{ version: number }> {
  return db.transaction(async (tx) => {
    const note = await findNote(tx, input.noteId);
    const incident = await lockIncident(tx, note.incidentId);
    requireActive(incident, input.pinned ? "pin a note" : "unpin a note");
    const [newer] = await tx
      .select({ id: incidentNotes.id })
      .from(incidentNotes)
      .where(eq(incidentNotes.supersedesId, note.id));
    if (newer) throw AppError.field("noteId", "This note was edited since: pin its latest version.", "CONFLICT");
    if (note.pinned === input.pinned)
      throw AppError.field(
        "pinned",
        input.pinned ? "This note is already pinned." : "This note is not pinned.",
        "CONFLICT",
      );
    await tx.update(incidentNotes).set({ pinned: input.pinned }).where(eq(incidentNotes.id, note.id));
    const version = await saveIncident(tx, incident, {});
    await audit(tx, actor, incident, input.pinned ? "incident.note_pinned" : "incident.note_unpinned", {
      noteId: note.id,
    });
    await notifyIncidentChanged(tx, incident.id, version);
    return { version };
  });
}

/** A follow-up item for the postmortem. Allowed after resolution too: that is when most are written. */
export async function addFollowUp(
  db: Database,
  actor: IncidentActor,
  input: AddFollowUpInput,
): Promise<{ followUpId: string }> {
  return db.transaction(async (tx) => {
    const incident = await lockIncident(tx, input.incidentId);
    const owner = await requireParticipant(tx, input.ownerId, "ownerId", "owner");
    const [row] = await tx
      .insert(incidentFollowUps)
      .values({ incidentId: incident.id, text: input.text, ownerId: owner.id, createdBy: actor.userId })
      .returning({ id: incidentFollowUps.id });
    const version = await saveIncident(tx, incident, {});
    await audit(tx, actor, incident, "incident.follow_up_added", {
      followUpId: row!.id,
      text: input.text,
      ownerId: owner.id,
      ownerLabel: owner.email,
    });
    await notifyIncidentChanged(tx, incident.id, version);
    return { followUpId: row!.id };
  });
}

/** Who may add a follow-up to a checklist: a lead to any, a responder to a checklist they own (as checklist assignment is a lead's). */
export function mayTrackOn(actor: { userId: string; role: Role }, checklist: { ownerId: string }): boolean {
  return hasRole(actor.role, "lead") || (hasRole(actor.role, "responder") && checklist.ownerId === actor.userId);
}

/**
 * A follow-up becomes an item of a readiness checklist, in its "Incident follow-ups" section:
 * titled with the follow-up's text, owned by its owner, due by the checklist's priority rule
 * (`addedItemDue`), its description pointing back at the incident. Once only: the follow-up
 * records the item. Both the incident and the checklist get their audit row in this transaction.
 * Allowed after resolution too, as adding follow-ups is.
 */
export async function trackFollowUp(
  db: Database,
  actor: IncidentActor,
  input: TrackFollowUpInput,
  now = new Date(),
): Promise<{ itemId: string; checklistId: string; dueDate: string }> {
  return db.transaction(async (tx) => {
    const [found] = await tx
      .select({ incidentId: incidentFollowUps.incidentId })
      .from(incidentFollowUps)
      .where(eq(incidentFollowUps.id, input.followUpId));
    if (!found) throw AppError.field("followUpId", "There is no follow-up with this id.", "NOT_FOUND");
    // The incident first, then the follow-up: the order every incident command locks in.
    const incident = await lockIncident(tx, found.incidentId);
    const [followUp] = await tx
      .select()
      .from(incidentFollowUps)
      .where(eq(incidentFollowUps.id, input.followUpId))
      .for("update");
    if (followUp!.checklistItemId) {
      const [item] = await tx
        .select({ checklistId: checklistItems.checklistId })
        .from(checklistItems)
        .where(eq(checklistItems.id, followUp!.checklistItemId));
      const where = item ? await requireChecklist(tx, item.checklistId) : null;
      throw AppError.field(
        "followUpId",
        `This follow-up is already tracked${where ? ` in checklist "${where.name}"` : ""}: a follow-up can be added to a checklist only once.`,
        "CONFLICT",
      );
    }
    const checklist = await requireChecklist(tx, input.checklistId);
    if (!mayTrackOn(actor, checklist))
      throw AppError.field(
        "checklistId",
        `Only a lead or the owner of checklist "${checklist.name}" can add items to it.`,
        "FORBIDDEN",
      );
    const [owner] = await tx
      .select({ id: users.id, email: users.email })
      .from(users)
      .where(and(eq(users.id, followUp!.ownerId), isNull(users.disabledAt)));
    if (!owner)
      throw AppError.field(
        "followUpId",
        "The follow-up's owner is disabled, so they cannot own a checklist item; add a new follow-up for someone active.",
        "CONFLICT",
      );
    const [version] = await tx
      .select({ definition: checklistTemplateVersions.definition })
      .from(checklistTemplateVersions)
      .where(eq(checklistTemplateVersions.id, checklist.templateVersionId));
    const due = addedItemDue(version!.definition, input.priority, checklist.launchDate, todayUtc(now));
    const [last] = await tx
      .select({ position: sql<number>`coalesce(max(${checklistItems.position}), -1)` })
      .from(checklistItems)
      .where(eq(checklistItems.checklistId, checklist.id));
    const [item] = await tx
      .insert(checklistItems)
      .values({
        checklistId: checklist.id,
        key: `follow-up-${followUp!.id}`,
        position: Number(last!.position) + 1,
        section: FOLLOW_UP_SECTION,
        title: followUp!.text,
        description: `Follow-up from incident ${incident.number} "${incident.title}": /incidents/${incident.id}`,
        priority: input.priority,
        dueOffsetDays: due.dueOffsetDays,
        dueDate: due.dueDate,
        ownerId: owner.id,
        updatedAt: now,
      })
      .returning();
    await tx.update(incidentFollowUps).set({ checklistItemId: item!.id }).where(eq(incidentFollowUps.id, followUp!.id));
    await auditItemAdded(tx, actor, item!, owner.email, {
      incidentId: incident.id,
      incidentNumber: incident.number,
      followUpId: followUp!.id,
    });
    const incidentVersion = await saveIncident(tx, incident, {});
    await audit(tx, actor, incident, "incident.follow_up_tracked", {
      followUpId: followUp!.id,
      text: followUp!.text,
      ownerLabel: owner.email,
      checklistId: checklist.id,
      checklistNumber: checklist.number,
      checklistName: checklist.name,
      itemId: item!.id,
      priority: input.priority,
      dueDate: due.dueDate,
      dueLabel: formatCalendarDate(due.dueDate),
    });
    await notifyIncidentChanged(tx, incident.id, incidentVersion);
    return { itemId: item!.id, checklistId: checklist.id, dueDate: due.dueDate };
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
  if (incident.status === "resolved")
    throw AppError.field(
      "incidentId",
      `Incident ${incident.number} is resolved: reopen it before starting runs inside it.`,
      "CONFLICT",
    );
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
  if (incident.status === "resolved")
    throw AppError.field("incidentId", `Incident ${incident.number} is resolved: reopen it to ${what}.`, "CONFLICT");
}

async function saveIncident(
  tx: Transaction,
  incident: Incident,
  patch: Partial<typeof incidents.$inferInsert>,
): Promise<number> {
  const [row] = await tx
    .update(incidents)
    .set({ ...patch, version: sql`${incidents.version} + 1`, updatedAt: new Date() })
    .where(eq(incidents.id, incident.id))
    .returning({ version: incidents.version });
  return row!.version;
}

async function audit(
  tx: Transaction,
  actor: Actor,
  incident: Incident,
  eventType: string,
  meta: Record<string, unknown>,
): Promise<void> {
  const input: AuditEventInput = {
    eventType,
    outcome: "success",
    entityType: "incident",
    entityId: incident.id,
    meta: { incidentNumber: incident.number, ...meta },
  };
  await appendAuditEvent(tx, actor, input);
}

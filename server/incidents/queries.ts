import "server-only";
import { and, asc, desc, eq, inArray, ne, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import {
  checklistItems,
  checklists,
  incidentFollowUps,
  incidentNotes,
  incidents,
  runbooks,
  runs,
  type Incident,
} from "@/db/schema";
import { STATUS_LABELS as ITEM_STATUS_LABELS, type ItemStatus } from "@/lib/checklists/readiness";
import { hasRole } from "@/lib/roles";
import type { ListIncidentsInput } from "@/lib/schemas/incidents";
import { INCIDENT_SEVERITIES, nextStatuses } from "@/lib/incidents/status";
import type { SessionUser } from "../auth/sessions";
import { AppError } from "../errors";
import { mayAssignRoles, mayTrackOn } from "./commands";
import { peopleById, type Person } from "./participants";

/** Active incidents first (most severe, then newest), then resolved ones, newest first. */
export async function listIncidents(db: Queryable, input: ListIncidentsInput) {
  const where =
    input.status === "all"
      ? undefined
      : input.status === "active"
        ? ne(incidents.status, "resolved")
        : eq(incidents.status, input.status);
  const severityRank = sql`array_position(array[${sql.raw(INCIDENT_SEVERITIES.map((s) => `'${s}'`).join(", "))}]::text[], ${incidents.severity})`;
  const rows = await db
    .select()
    .from(incidents)
    .where(where)
    .orderBy(
      sql`case when ${incidents.status} = 'resolved' then 1 else 0 end`,
      sql`case when ${incidents.status} = 'resolved' then 0 else ${severityRank} end`,
      desc(incidents.declaredAt),
    )
    .limit(input.limit);
  const people = await peopleById(
    db,
    rows.map((r) => r.commanderId),
  );
  const runCounts = await countRuns(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((row) => ({
    id: row.id,
    number: row.number,
    title: row.title,
    severity: row.severity,
    status: row.status,
    services: row.services,
    tags: row.tags,
    commander: people.get(row.commanderId) ?? null,
    declaredAt: row.declaredAt,
    resolvedAt: row.resolvedAt,
    runCount: runCounts.get(row.id) ?? 0,
  }));
}

async function countRuns(db: Queryable, incidentIds: string[]): Promise<Map<string, number>> {
  if (incidentIds.length === 0) return new Map();
  const rows = await db
    .select({ incidentId: runs.incidentId, n: sql<number>`count(*)::int` })
    .from(runs)
    .where(inArray(runs.incidentId, incidentIds))
    .groupBy(runs.incidentId);
  return new Map(rows.map((r) => [r.incidentId!, Number(r.n)]));
}

export async function findIncident(db: Queryable, incidentId: string): Promise<Incident> {
  const [incident] = await db.select().from(incidents).where(eq(incidents.id, incidentId));
  if (!incident) throw AppError.field("incidentId", "There is no incident with this id.", "NOT_FOUND");
  return incident;
}

/** Everything the incident page shows besides its timeline, and what this viewer may do (the server checks again). */
export async function getIncident(db: Queryable, incidentId: string, viewer: SessionUser) {
  const incident = await findIncident(db, incidentId);
  const attached = await listAttachedRuns(db, incidentId);
  const followUps = await db
    .select()
    .from(incidentFollowUps)
    .where(eq(incidentFollowUps.incidentId, incidentId))
    .orderBy(asc(incidentFollowUps.createdAt));
  const pinned = await db
    .select()
    .from(incidentNotes)
    .where(
      and(
        eq(incidentNotes.incidentId, incidentId),
        eq(incidentNotes.pinned, true),
        sql`not exists (select 1 from ${incidentNotes} newer where newer.supersedes_id = ${incidentNotes.id})`,
      ),
    )
    .orderBy(asc(incidentNotes.createdAt));
  const people = await peopleById(db, [
    incident.commanderId,
    incident.scribeId,
    incident.declaredBy,
    ...followUps.map((f) => f.ownerId),
  ]);
  const tracked = await trackedItems(
    db,
    followUps.map((f) => f.checklistItemId),
  );
  const choices = hasRole(viewer.role, "responder")
    ? await checklistChoices(db, { userId: viewer.id, role: viewer.role })
    : [];
  const active = incident.status !== "resolved";
  const responder = hasRole(viewer.role, "responder");
  const person = (id: string | null): Person | null => (id ? (people.get(id) ?? null) : null);
  return {
    id: incident.id,
    number: incident.number,
    title: incident.title,
    severity: incident.severity,
    status: incident.status,
    services: incident.services,
    tags: incident.tags,
    commander: person(incident.commanderId),
    scribe: person(incident.scribeId),
    declaredBy: person(incident.declaredBy),
    summary: incident.summary,
    impact: incident.impact,
    version: incident.version,
    declaredAt: incident.declaredAt,
    resolvedAt: incident.resolvedAt,
    runs: attached,
    followUps: followUps.map((f) => ({
      id: f.id,
      text: f.text,
      owner: person(f.ownerId),
      createdAt: f.createdAt,
      tracked: f.checklistItemId ? (tracked.get(f.checklistItemId) ?? null) : null,
    })),
    /** The checklists this viewer may add a follow-up to (the server checks again). */
    checklistChoices: choices,
    pinnedNotes: pinned.map((n) => ({ id: n.id, body: n.body, authorLabel: n.authorLabel, createdAt: n.createdAt })),
    can: {
      changeStatus: responder && active,
      nextStatuses: responder && active ? nextStatuses(incident.status) : [],
      reopen: responder && !active,
      addNote: responder && active,
      startRun: responder && active,
      assignRoles: responder && mayAssignRoles({ userId: viewer.id, role: viewer.role }, incident),
      addFollowUp: responder,
      trackFollowUp: responder && choices.length > 0,
    },
  };
}

/** The runs started inside an incident, oldest first. */
export async function listAttachedRuns(db: Queryable, incidentId: string) {
  return db
    .select({
      id: runs.id,
      number: runs.number,
      runbookId: runs.runbookId,
      runbookTitle: runbooks.title,
      status: runs.status,
      createdAt: runs.createdAt,
      endedAt: runs.endedAt,
    })
    .from(runs)
    .innerJoin(runbooks, eq(runbooks.id, runs.runbookId))
    .where(eq(runs.incidentId, incidentId))
    .orderBy(asc(runs.number));
}

/** The incident a run belongs to, as the run page links back to it. */
export async function incidentLinkOf(db: Queryable, incidentId: string | null) {
  if (!incidentId) return null;
  const [row] = await db
    .select({ id: incidents.id, number: incidents.number, title: incidents.title, status: incidents.status })
    .from(incidents)
    .where(eq(incidents.id, incidentId));
  return row ?? null;
}

export type TrackedItem = {
  checklistId: string;
  checklistNumber: number;
  checklistName: string;
  itemId: string;
  status: ItemStatus;
  statusLabel: string;
  priority: string;
  dueDate: string;
};

/** Where follow-ups are tracked: their checklist items, with the checklist and the item's status now. */
export async function trackedItems(db: Queryable, itemIds: (string | null)[]): Promise<Map<string, TrackedItem>> {
  const ids = itemIds.filter((id): id is string => id !== null);
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({
      itemId: checklistItems.id,
      status: checklistItems.status,
      priority: checklistItems.priority,
      dueDate: checklistItems.dueDate,
      checklistId: checklists.id,
      checklistNumber: checklists.number,
      checklistName: checklists.name,
    })
    .from(checklistItems)
    .innerJoin(checklists, eq(checklists.id, checklistItems.checklistId))
    .where(inArray(checklistItems.id, ids));
  return new Map(rows.map((row) => [row.itemId, { ...row, statusLabel: ITEM_STATUS_LABELS[row.status] }]));
}

/** Checklists a person may add follow-ups to, soonest launch first. */
async function checklistChoices(db: Queryable, viewer: { userId: string; role: SessionUser["role"] }) {
  const rows = await db
    .select({
      id: checklists.id,
      number: checklists.number,
      name: checklists.name,
      service: checklists.service,
      launchDate: checklists.launchDate,
      ownerId: checklists.ownerId,
    })
    .from(checklists)
    .orderBy(asc(checklists.launchDate), asc(checklists.number));
  return rows.filter((row) => mayTrackOn(viewer, row)).map(({ ownerId: _ownerId, ...row }) => row);
}

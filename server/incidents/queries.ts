import { and, asc, desc, eq, inArray, ne, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { incidentFollowUps, incidentNotes, incidents, runbooks, runs, type Incident } from "@/db/schema";
import { hasRole } from "@/lib/roles";
import type { ListIncidentsInput } from "@/lib/schemas/incidents";
import { INCIDENT_SEVERITIES, nextStatuses } from "@/lib/incidents/status";
import type { SessionUser } from "../auth/sessions";
import { AppError } from "../errors";
import { mayAssignRoles } from "./commands";
import { peopleById, type Person } from "./participants";

/** Active incidents first (most severe, then newest), then resolved ones, newest first. */
export async function listIncidents(db: Queryable, input: ListIncidentsInput) {
  const where =
    input.status === "all" ? undefined : input.status === "active" ? ne(incidents.status, "resolved") : eq(incidents.status, input.status);
  const severityRank = sql`array_position(array[${sql.raw(INCIDENT_SEVERITIES.map((s) => `'${s}'`).join(", "))}]::text[], ${incidents.severity})`;
  const rows = await db
    .select()
    .from(incidents)
    .where(where)
    .orderBy(sql`case when ${incidents.status} = 'resolved' then 1 else 0 end`, sql`case when ${incidents.status} = 'resolved' then 0 else ${severityRank} end`, desc(incidents.declaredAt))
    .limit(input.limit);
  const people = await peopleById(db, rows.map((r) => r.commanderId));
  const runCounts = await countRuns(db, rows.map((r) => r.id));
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
  const followUps = await db.select().from(incidentFollowUps).where(eq(incidentFollowUps.incidentId, incidentId)).orderBy(asc(incidentFollowUps.createdAt));
  const pinned = await db
    .select()
    .from(incidentNotes)
    .where(and(eq(incidentNotes.incidentId, incidentId), eq(incidentNotes.pinned, true), sql`not exists (select 1 from ${incidentNotes} newer where newer.supersedes_id = ${incidentNotes.id})`))
    .orderBy(asc(incidentNotes.createdAt));
  const people = await peopleById(db, [incident.commanderId, incident.scribeId, incident.declaredBy, ...followUps.map((f) => f.ownerId)]);
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
    followUps: followUps.map((f) => ({ id: f.id, text: f.text, owner: person(f.ownerId), createdAt: f.createdAt })),
    pinnedNotes: pinned.map((n) => ({ id: n.id, body: n.body, authorLabel: n.authorLabel, createdAt: n.createdAt })),
    can: {
      changeStatus: responder && active,
      nextStatuses: responder && active ? nextStatuses(incident.status) : [],
      reopen: responder && !active,
      addNote: responder && active,
      startRun: responder && active,
      assignRoles: responder && mayAssignRoles({ userId: viewer.id, role: viewer.role }, incident),
      addFollowUp: responder,
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
  const [row] = await db.select({ id: incidents.id, number: incidents.number, title: incidents.title, status: incidents.status }).from(incidents).where(eq(incidents.id, incidentId));
  return row ?? null;
}

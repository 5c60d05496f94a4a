import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  check,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from "drizzle-orm/pg-core";
import {
  INCIDENT_SEVERITIES,
  INCIDENT_STATUSES,
  type IncidentSeverity,
  type IncidentStatus,
} from "../../lib/incidents/status";
import { checklistItems } from "./checklists";
import { users } from "./users";

const inList = (values: readonly string[]) => sql.raw(`(${values.map((v) => `'${v}'`).join(", ")})`);

/**
 * An incident: what is wrong, how bad, who leads it, where it stands. Its timeline is not stored
 * here: it is read from the audit trail (the incident's own events and those of its runs).
 */
export const incidents = pgTable(
  "incidents",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Short, human-friendly number shown in the UI ("Incident 7"). */
    number: bigserial("number", { mode: "number" }).notNull().unique(),
    title: text("title").notNull(),
    severity: text("severity").$type<IncidentSeverity>().notNull(),
    status: text("status").$type<IncidentStatus>().notNull().default("investigating"),
    /** Service names as Keel knows them (service targets and the services runbooks name). */
    services: text("services")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    tags: text("tags")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    commanderId: uuid("commander_id")
      .notNull()
      .references(() => users.id),
    scribeId: uuid("scribe_id").references(() => users.id),
    declaredBy: uuid("declared_by")
      .notNull()
      .references(() => users.id),
    /** Written when it is resolved: what happened and what fixed it. */
    summary: text("summary"),
    /** Who or what was affected, for the postmortem (optional, written when resolving). */
    impact: text("impact"),
    /** Bumped on every change. */
    version: integer("version").notNull().default(1),
    declaredAt: timestamp("declared_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
  },
  (t) => [
    index("incidents_status_idx").on(t.status, t.declaredAt),
    check("incidents_severity_check", sql`${t.severity} in ${inList(INCIDENT_SEVERITIES)}`),
    check("incidents_status_check", sql`${t.status} in ${inList(INCIDENT_STATUSES)}`),
  ],
);

/**
 * Notes participants add to an incident. Never edited in place: an edit is a new row pointing
 * at the note it replaces (which stays, shown as superseded). Only the pin may change.
 */
export const incidentNotes = pgTable(
  "incident_notes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    incidentId: uuid("incident_id")
      .notNull()
      .references(() => incidents.id),
    body: text("body").notNull(),
    authorId: uuid("author_id")
      .notNull()
      .references(() => users.id),
    authorLabel: text("author_label").notNull(),
    pinned: boolean("pinned").notNull().default(false),
    /** The note this one replaces; each note is replaced at most once, so edits form a chain. */
    supersedesId: uuid("supersedes_id").references((): AnyPgColumn => incidentNotes.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("incident_notes_incident_idx").on(t.incidentId, t.createdAt),
    uniqueIndex("incident_notes_supersedes_idx").on(t.supersedesId),
  ],
);

/** What should happen after the incident, and who owns it: listed in the postmortem. */
export const incidentFollowUps = pgTable(
  "incident_follow_ups",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    incidentId: uuid("incident_id")
      .notNull()
      .references(() => incidents.id),
    text: text("text").notNull(),
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id),
    createdBy: uuid("created_by")
      .notNull()
      .references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** The readiness checklist item this follow-up became (set once: a follow-up is tracked in one place). */
    checklistItemId: uuid("checklist_item_id").references(() => checklistItems.id),
  },
  (t) => [
    index("incident_follow_ups_incident_idx").on(t.incidentId, t.createdAt),
    uniqueIndex("incident_follow_ups_checklist_item_idx").on(t.checklistItemId),
  ],
);

export type Incident = typeof incidents.$inferSelect;
export type IncidentNote = typeof incidentNotes.$inferSelect;
export type IncidentFollowUp = typeof incidentFollowUps.$inferSelect;

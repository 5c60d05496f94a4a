import { sql } from "drizzle-orm";
import {
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import type { ProbeDefinition } from "../../lib/checklists/probes";
import type { ItemStatus } from "../../lib/checklists/readiness";
import type { ChecklistTemplateDefinition, Priority } from "../../lib/checklists/template";
import { users } from "./users";

/** One row per template id (runbooks/checklists/*.yaml), pointing at the version new checklists start from. */
export const checklistTemplates = pgTable("checklist_templates", {
  id: text("id").primaryKey(),
  title: text("title").notNull(),
  summary: text("summary").notNull(),
  filePath: text("file_path").notNull(),
  currentVersionId: uuid("current_version_id"),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Every distinct content a template file has had; a checklist keeps the version it was created from. */
export const checklistTemplateVersions = pgTable(
  "checklist_template_versions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    templateId: text("template_id")
      .notNull()
      .references(() => checklistTemplates.id),
    number: integer("number").notNull(),
    /** SHA-256 (hex) of the file's bytes. */
    hash: text("hash").notNull(),
    content: text("content").notNull(),
    definition: jsonb("definition").$type<ChecklistTemplateDefinition>().notNull(),
    loadedAt: timestamp("loaded_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("checklist_template_versions_hash_idx").on(t.templateId, t.hash),
    uniqueIndex("checklist_template_versions_number_idx").on(t.templateId, t.number),
  ],
);

/** A readiness checklist for one launch or service, made from a template version. */
export const checklists = pgTable("checklists", {
  id: uuid("id").primaryKey().defaultRandom(),
  number: serial("number").notNull().unique(),
  name: text("name").notNull(),
  service: text("service").notNull(),
  /** Filled into probes that use {{serviceUrl}}; empty when the checklist has none. */
  serviceUrl: text("service_url").notNull().default(""),
  launchDate: date("launch_date", { mode: "string" }).notNull(),
  ownerId: uuid("owner_id")
    .notNull()
    .references(() => users.id),
  templateVersionId: uuid("template_version_id")
    .notNull()
    .references(() => checklistTemplateVersions.id),
  createdById: uuid("created_by_id").references(() => users.id),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type ItemEvidence =
  | { kind: "link"; url: string }
  | { kind: "note"; note: string }
  | { kind: "run"; runId: string; runNumber: number }
  | { kind: "check"; resultId: string };

export const checklistItems = pgTable(
  "checklist_items",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    checklistId: uuid("checklist_id")
      .notNull()
      .references(() => checklists.id),
    /** The template item's id. */
    key: text("key").notNull(),
    position: integer("position").notNull(),
    section: text("section").notNull(),
    title: text("title").notNull(),
    description: text("description"),
    priority: text("priority").$type<Priority>().notNull(),
    /** Days from the launch date, by the template's rule; the due date follows the launch date. */
    dueOffsetDays: integer("due_offset_days").notNull(),
    dueDate: date("due_date", { mode: "string" }).notNull(),
    /** A lead set the due date by hand: a new launch date leaves it alone. */
    dueDateOverridden: boolean("due_date_overridden").notNull().default(false),
    ownerId: uuid("owner_id").references(() => users.id),
    status: text("status").$type<ItemStatus>().notNull().default("todo"),
    /** Why it is blocked or not applicable, or what the failed check saw. */
    statusReason: text("status_reason"),
    evidence: jsonb("evidence").$type<ItemEvidence | null>(),
    verify: jsonb("verify").$type<ProbeDefinition | null>(),
    reconfirmEveryDays: integer("reconfirm_every_days"),
    /** When it last became, or was confirmed, done (by a person or a passing check). */
    confirmedAt: timestamp("confirmed_at", { withTimezone: true }),
    lastCheckedAt: timestamp("last_checked_at", { withTimezone: true }),
    lastCheckResultId: uuid("last_check_result_id"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("checklist_items_key_idx").on(t.checklistId, t.key),
    index("checklist_items_owner_idx").on(t.ownerId),
  ],
);

/** Every run of an item's check or probe: what was checked, what was seen, and the verdict. */
export const checklistCheckResults = pgTable(
  "checklist_check_results",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    itemId: uuid("item_id")
      .notNull()
      .references(() => checklistItems.id),
    probe: jsonb("probe").$type<ProbeDefinition>().notNull(),
    /** One line: "http://…/sign-in answered 200 without strict-transport-security". */
    checked: text("checked").notNull(),
    passed: boolean("passed").notNull(),
    summary: text("summary").notNull(),
    observed: jsonb("observed")
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    /** Null: the scheduled sweep ran it. */
    ranById: uuid("ran_by_id").references(() => users.id),
    ranAt: timestamp("ran_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("checklist_check_results_item_idx").on(t.itemId, t.ranAt)],
);

export const checklistComments = pgTable("checklist_comments", {
  id: uuid("id").primaryKey().defaultRandom(),
  itemId: uuid("item_id")
    .notNull()
    .references(() => checklistItems.id),
  authorId: uuid("author_id")
    .notNull()
    .references(() => users.id),
  body: text("body").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export type WaiverStatus = "requested" | "approved" | "rejected" | "expired";

export const checklistWaivers = pgTable(
  "checklist_waivers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    itemId: uuid("item_id")
      .notNull()
      .references(() => checklistItems.id),
    reason: text("reason").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    status: text("status").$type<WaiverStatus>().notNull().default("requested"),
    requestedById: uuid("requested_by_id")
      .notNull()
      .references(() => users.id),
    decidedById: uuid("decided_by_id").references(() => users.id),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("checklist_waivers_due_idx").on(t.status, t.expiresAt)],
);

/** In-app notices for one person (a waiver expired and the item reopened), shown until dismissed. */
export const checklistNotices = pgTable(
  "checklist_notices",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    checklistId: uuid("checklist_id")
      .notNull()
      .references(() => checklists.id),
    itemId: uuid("item_id").references(() => checklistItems.id),
    message: text("message").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp("read_at", { withTimezone: true }),
  },
  (t) => [index("checklist_notices_user_idx").on(t.userId, t.readAt)],
);

export type Checklist = typeof checklists.$inferSelect;
export type ChecklistItem = typeof checklistItems.$inferSelect;

import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { RunbookDefinition } from "../../lib/runbooks/definition";

/** One row per runbook id, pointing at the version new runs start from. */
export const runbooks = pgTable("runbooks", {
  id: text("id").primaryKey(),
  title: text("title").notNull(),
  summary: text("summary").notNull(),
  risk: text("risk").$type<RunbookDefinition["risk"]>().notNull(),
  services: text("services")
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  tags: text("tags")
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  filePath: text("file_path").notNull(),
  currentVersionId: uuid("current_version_id"),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Every distinct content a runbook file has had; runs are pinned to one of these. */
export const runbookVersions = pgTable(
  "runbook_versions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    runbookId: text("runbook_id")
      .notNull()
      .references(() => runbooks.id),
    /** 1, 2, 3… per runbook, in load order. */
    number: integer("number").notNull(),
    /** SHA-256 (hex) of the file's bytes. */
    hash: text("hash").notNull(),
    content: text("content").notNull(),
    definition: jsonb("definition").$type<RunbookDefinition>().notNull(),
    loadedAt: timestamp("loaded_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("runbook_versions_hash_idx").on(t.runbookId, t.hash),
    uniqueIndex("runbook_versions_number_idx").on(t.runbookId, t.number),
  ],
);

export type RunbookFileProblem = { line: number; column: number; message: string };

/** The last load of each file under the runbook directories: valid, or why not (shown to admins). */
export const runbookFiles = pgTable(
  "runbook_files",
  {
    path: text("path").primaryKey(),
    runbookId: text("runbook_id"),
    status: text("status").$type<"valid" | "invalid">().notNull(),
    problems: jsonb("problems")
      .$type<RunbookFileProblem[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    hash: text("hash").notNull(),
    checkedAt: timestamp("checked_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("runbook_files_status_idx").on(t.status)],
);

export type Runbook = typeof runbooks.$inferSelect;
export type RunbookVersion = typeof runbookVersions.$inferSelect;

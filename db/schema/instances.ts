import { boolean, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** A step an instance is executing, as its heartbeat last reported. */
export type ExecutingStep = { runId: string; stepId: string; phase: string; since: string };

/**
 * The Keel processes sharing this database, each upserting its row every few seconds (its
 * heartbeat). A row not seen for three heartbeats is an instance that is gone; any instance
 * deletes those after a while (server/instances/registry.ts).
 */
export const instances = pgTable("instances", {
  id: uuid("id").primaryKey(),
  hostname: text("hostname").notNull(),
  pid: integer("pid").notNull(),
  version: text("version").notNull(),
  /** Step workers per queue served; 0 is a web-only instance. */
  workers: integer("workers").notNull(),
  /** The worker groups whose steps it executes. */
  groups: text("groups").array().notNull(),
  /** Whether it also executes steps on targets that name no group. */
  ungrouped: boolean("ungrouped").notNull(),
  executing: jsonb("executing").$type<ExecutingStep[]>().notNull().default([]),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
  lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
});

export type InstanceRow = typeof instances.$inferSelect;

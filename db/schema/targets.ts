import { jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

export const TARGET_SOURCES = ["file", "admin", "demo", "builtin"] as const;
export type TargetSource = (typeof TARGET_SOURCES)[number];

/**
 * Things runbooks act on: services, databases, allowlists. Declared in the targets file, added by
 * an admin, created as the demo environment, or built in (Keel's own database, registered at
 * start); each kind validates its own config.
 */
export const targets = pgTable(
  "targets",
  {
    kind: text("kind").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    config: jsonb("config").$type<Record<string, unknown>>().notNull(),
    source: text("source").$type<TargetSource>().notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.name] })],
);

export type Target = typeof targets.$inferSelect;

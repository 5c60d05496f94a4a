import { jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Small facts about this installation ("the demo environment was created / removed"). */
export const appSettings = pgTable("app_settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").$type<Record<string, unknown>>().notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

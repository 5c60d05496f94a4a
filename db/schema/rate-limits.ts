import { bigint, integer, pgTable, varchar } from "drizzle-orm/pg-core";

/**
 * Rate limiter counters (rate-limiter-flexible's PostgreSQL layout), shared by every app
 * instance on the database. Keys are "<limit class>:<subject>"; expire is epoch milliseconds.
 */
export const rateLimits = pgTable("rate_limits", {
  key: varchar("key", { length: 255 }).primaryKey(),
  points: integer("points").notNull().default(0),
  expire: bigint("expire", { mode: "number" }),
});

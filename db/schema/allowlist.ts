import { sql } from "drizzle-orm";
import { index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { runs } from "./runs";
import { users } from "./users";

/**
 * Keel's own record of every allowlist entry it added: the source of truth the expiry sweep and
 * the rate limiter read. An entry is live until it is removed or expires; rows are never deleted,
 * so who allowed what, why and until when stays answerable.
 */
export const allowlistEntries = pgTable(
  "allowlist_entries",
  {
    /** Derived from the run and step that add it, so a retried execution finds its own row. */
    id: uuid("id").primaryKey(),
    /** The allowlist target's name (targets.kind = 'allowlist'). */
    allowlist: text("allowlist").notNull(),
    /** Normalised: network address and prefix, "203.0.113.0/24", "2001:db8::/48", "198.51.100.7/32". */
    cidr: text("cidr").notNull(),
    reason: text("reason").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdBy: uuid("created_by").references(() => users.id),
    createdByRunId: uuid("created_by_run_id").references(() => runs.id),
    createdByStepId: text("created_by_step_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    removedAt: timestamp("removed_at", { withTimezone: true }),
    /** Null with a removal time: the expiry sweep removed it. */
    removedBy: uuid("removed_by").references(() => users.id),
    removedByRunId: uuid("removed_by_run_id").references(() => runs.id),
    removalReason: text("removal_reason"),
  },
  (t) => [
    index("allowlist_entries_live_idx")
      .on(t.allowlist, t.expiresAt)
      .where(sql`${t.removedAt} is null`),
    uniqueIndex("allowlist_entries_run_step_idx").on(t.createdByRunId, t.createdByStepId),
  ],
);

export type AllowlistEntry = typeof allowlistEntries.$inferSelect;

import { sql } from "drizzle-orm";
import { check, index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

export const RELEASE_SOURCES = ["api", "git", "keel"] as const;
export type ReleaseSource = (typeof RELEASE_SOURCES)[number];

/**
 * The release history of services: what was deployed, when, and who said so. Rows come from CI
 * pipelines through the REST API (`api`), from Keel itself after a rollback (`keel`); releases
 * read from a service's deploy repository (`git`) are read live and only stored when recorded.
 */
export const deployments = pgTable(
  "deployments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** The service target's name. */
    service: text("service").notNull(),
    version: text("version").notNull(),
    /** The deployed commit, when known (full or abbreviated sha). */
    commit: text("commit"),
    description: text("description").notNull().default(""),
    deployedAt: timestamp("deployed_at", { withTimezone: true }).notNull(),
    source: text("source").$type<ReleaseSource>().notNull(),
    /** An API token's id, or a run's id. */
    recordedBy: text("recorded_by"),
    /** Set by runs: recording the same step attempt twice keeps one row. */
    idempotencyKey: text("idempotency_key").unique(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("deployments_service_idx").on(t.service, t.deployedAt),
    check("deployments_source_check", sql`${t.source} in ('api', 'git', 'keel')`),
  ],
);

export type Deployment = typeof deployments.$inferSelect;

import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";

import { SECRET_ALPHABETS, type SecretPolicy } from "../../lib/secrets/alphabets";

export { SECRET_ALPHABETS, type SecretPolicy };

export const SECRET_LABELS = ["current", "pending", "previous", "retired"] as const;
export type SecretLabel = (typeof SECRET_LABELS)[number];

/** A secret Keel manages: its values live only encrypted, in secret_versions. */
export const managedSecrets = pgTable("managed_secrets", {
  id: uuid("id").primaryKey().defaultRandom(),
  /** Lower-case slug used by runbooks and targets ("demo-api-key"). */
  name: text("name").notNull().unique(),
  description: text("description").notNull().default(""),
  policy: jsonb("policy").$type<SecretPolicy>().notNull(),
  /** How long the previous value keeps working after a rotation is promoted. */
  gracePeriodSeconds: integer("grace_period_seconds").notNull().default(86_400),
  /** The run rotating it now; at most one rotation per secret is in flight. */
  rotationRunId: uuid("rotation_run_id"),
  lastRotatedAt: timestamp("last_rotated_at", { withTimezone: true }),
  createdBy: uuid("created_by").references(() => users.id),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Every value a managed secret has had, sealed with AES-256-GCM; labels say which is in use. */
export const secretVersions = pgTable(
  "secret_versions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    secretId: uuid("secret_id")
      .notNull()
      .references(() => managedSecrets.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    label: text("label").$type<SecretLabel>().notNull(),
    ciphertext: text("ciphertext").notNull(),
    fingerprint: text("fingerprint").notNull(),
    createdByRunId: uuid("created_by_run_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    promotedAt: timestamp("promoted_at", { withTimezone: true }),
    retiredAt: timestamp("retired_at", { withTimezone: true }),
    /** For the previous value: when its grace period ends and Keel retires it (set at promotion). */
    retireAfter: timestamp("retire_after", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("secret_versions_number_idx").on(t.secretId, t.version),
    // At most one current, one pending and one previous value per secret.
    uniqueIndex("secret_versions_live_label_idx")
      .on(t.secretId, t.label)
      .where(sql`${t.label} <> 'retired'`),
    index("secret_versions_secret_idx").on(t.secretId),
  ],
);

export type ManagedSecret = typeof managedSecrets.$inferSelect;
export type SecretVersion = typeof secretVersions.$inferSelect;

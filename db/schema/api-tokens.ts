import { index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";

import { API_TOKEN_SCOPES, type ApiTokenScope } from "../../lib/api-tokens/scopes";

export { API_TOKEN_SCOPES, type ApiTokenScope };

/**
 * Tokens for machines (CI pipelines) calling Keel's REST API. Only the SHA-256 of a token's
 * secret part is stored; the token itself is shown once, when it is created.
 */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    scopes: jsonb("scopes").$type<ApiTokenScope[]>().notNull(),
    /** hex SHA-256 of the secret part. */
    secretHash: text("secret_hash").notNull(),
    /** HMAC fingerprint of the whole token: how the audit trail names it. */
    fingerprint: text("fingerprint").notNull(),
    /** Version of keel-api-token-signing-key that signed it (informational). */
    signingKeyVersion: integer("signing_key_version").notNull(),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokedBy: uuid("revoked_by").references(() => users.id),
  },
  (t) => [index("api_tokens_created_idx").on(t.createdAt)],
);

export type ApiToken = typeof apiTokens.$inferSelect;

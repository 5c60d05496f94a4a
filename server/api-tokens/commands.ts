import { randomUUID } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "@/db/client";
import { apiTokens } from "@/db/schema";
import type { CreateApiTokenInput } from "@/lib/schemas/api-tokens";
import { appendAuditEvent } from "../audit/append";
import type { Actor } from "../audit/actor";
import { fingerprintSecret } from "../audit/fingerprint";
import { AppError } from "../errors";
import { currentSigningKey } from "./signing-key";
import { mintToken } from "./token-format";

/** Creates a token; its value is returned this once and never stored or shown again. */
export async function createApiToken(
  db: Database,
  actor: Actor,
  input: CreateApiTokenInput,
): Promise<{ token: string; tokenId: string; fingerprint: string }> {
  const key = await currentSigningKey(db);
  const id = randomUUID();
  const { token, secretHash } = mintToken(id, key.value);
  const fingerprint = fingerprintSecret(token);
  const scopes = [...new Set(input.scopes)].sort();
  await db.transaction(async (tx) => {
    await tx.insert(apiTokens).values({
      id,
      name: input.name,
      scopes,
      secretHash,
      fingerprint,
      signingKeyVersion: key.version,
      createdBy: actor.userId,
    });
    await appendAuditEvent(tx, actor, {
      eventType: "api_token.created",
      outcome: "success",
      entityType: "api_token",
      entityId: id,
      meta: { name: input.name, scopes, fingerprint, signingKeyVersion: key.version },
    });
  });
  return { token, tokenId: id, fingerprint };
}

/** Revokes a token at once: its next request is refused. */
export async function revokeApiToken(db: Database, actor: Actor & { userId: string }, tokenId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiTokens)
      .set({ revokedAt: new Date(), revokedBy: actor.userId })
      .where(and(eq(apiTokens.id, tokenId), isNull(apiTokens.revokedAt)))
      .returning();
    if (!row) {
      const [exists] = await tx.select({ id: apiTokens.id }).from(apiTokens).where(eq(apiTokens.id, tokenId));
      throw AppError.field(
        "tokenId",
        exists ? "This token is already revoked." : "There is no such token.",
        exists ? "CONFLICT" : "NOT_FOUND",
      );
    }
    await appendAuditEvent(tx, actor, {
      eventType: "api_token.revoked",
      outcome: "success",
      entityType: "api_token",
      entityId: tokenId,
      meta: { name: row.name, fingerprint: row.fingerprint },
    });
  });
}

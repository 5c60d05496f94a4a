import { lockForTransaction } from "@/db/advisory-lock";
import type { Queryable } from "@/db/client";
import { systemActor, type Actor } from "../audit/actor";
import { AppError } from "../errors";
import { createSecret, findSecret, readSecretValue } from "../secrets/store";

/** The managed secret that signs API tokens; the rotation runbook rotates it like any other. */
export const SIGNING_KEY_SECRET = "keel-api-token-signing-key";

/**
 * Creates the signing key when it is absent (at start, and before the first token is made).
 * Instances starting together queue on a transaction lock and re-read, so exactly one creates it.
 */
export async function ensureSigningKey(db: Queryable, actor: Actor = systemActor()): Promise<"created" | "present"> {
  if (await findSecret(db, SIGNING_KEY_SECRET)) return "present";
  return db.transaction(async (tx) => {
    await lockForTransaction(tx, `keel-managed-secret:${SIGNING_KEY_SECRET}`);
    if (await findSecret(tx, SIGNING_KEY_SECRET)) return "present";
    await createSecret(tx, actor, {
      name: SIGNING_KEY_SECRET,
      description:
        "Signs Keel's API tokens. After a rotation, tokens signed with the previous value keep working until it is retired.",
      policy: { length: 64, alphabet: "base64url" },
      gracePeriodHours: 24 * 7,
    });
    return "created";
  });
}

/** The values a token's signature may verify under: current, then previous (during a rotation's grace period). */
export async function verificationKeys(db: Queryable): Promise<string[]> {
  const keys: string[] = [];
  for (const label of ["current", "previous"] as const) {
    const value = await readSecretValue(db, SIGNING_KEY_SECRET, label);
    if (value) keys.push(value.value);
  }
  return keys;
}

export async function currentSigningKey(db: Queryable): Promise<{ value: string; version: number }> {
  await ensureSigningKey(db);
  const value = await readSecretValue(db, SIGNING_KEY_SECRET, "current");
  if (!value)
    throw new AppError(
      "PRECONDITION_FAILED",
      `The managed secret ${SIGNING_KEY_SECRET} has no current value; finish or abort its rotation first.`,
    );
  return value;
}

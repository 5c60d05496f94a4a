import type { Queryable } from "@/db/client";
import { systemActor, type Actor } from "../audit/actor";
import { AppError } from "../errors";
import { createSecret, findSecret, readSecretValue } from "../secrets/store";

/** The managed secret that signs API tokens; the rotation runbook rotates it like any other. */
export const SIGNING_KEY_SECRET = "keel-api-token-signing-key";

/** Creates the signing key when it is absent (at start, and before the first token is made). */
export async function ensureSigningKey(db: Queryable, actor: Actor = systemActor()): Promise<"created" | "present"> {
  if (await findSecret(db, SIGNING_KEY_SECRET)) return "present";
  try {
    await createSecret(db, actor, {
      name: SIGNING_KEY_SECRET,
      description: "Signs Keel's API tokens. After a rotation, tokens signed with the previous value keep working until it is retired.",
      policy: { length: 64, alphabet: "base64url" },
      gracePeriodHours: 24 * 7,
    });
    return "created";
  } catch (error) {
    // Another instance starting at the same moment created it first.
    if (error instanceof AppError && error.code === "CONFLICT") return "present";
    throw error;
  }
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
  if (!value) throw new AppError("PRECONDITION_FAILED", `The managed secret ${SIGNING_KEY_SECRET} has no current value; finish or abort its rotation first.`);
  return value;
}

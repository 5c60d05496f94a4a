import { and, desc, eq, ne, or } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { managedSecrets, runs, secretVersions, users, type ManagedSecret, type SecretVersion } from "@/db/schema";
import { AppError } from "../../errors";
import { decryptSecret } from "../../security/encryption";
import { secretAad } from "../store";

/** A secret as one rotation sees it: its live versions, and the version this run created (if any). */
export type RotationState = {
  secret: ManagedSecret;
  current: SecretVersion | null;
  pending: SecretVersion | null;
  previous: SecretVersion | null;
  /** The version created by this run, whatever its label now. */
  ours: SecretVersion | null;
};

/**
 * Reads the rotation state of a secret; with `forUpdate`, locks the secret's row so that two
 * rotations (or a rotation and the retirement sweep) change its labels one after the other.
 */
export async function rotationState(
  db: Queryable,
  name: string,
  runId: string,
  options: { forUpdate?: boolean } = {},
): Promise<RotationState> {
  const query = db.select().from(managedSecrets).where(eq(managedSecrets.name, name));
  const [secret] = options.forUpdate ? await query.for("update") : await query;
  if (!secret) throw AppError.field("secret", `No managed secret is named "${name}".`, "NOT_FOUND");
  const versions = await db
    .select()
    .from(secretVersions)
    .where(
      and(
        eq(secretVersions.secretId, secret.id),
        or(ne(secretVersions.label, "retired"), eq(secretVersions.createdByRunId, runId)),
      ),
    )
    .orderBy(desc(secretVersions.version));
  const live = (label: SecretVersion["label"]) => versions.find((v) => v.label === label) ?? null;
  return {
    secret,
    current: live("current"),
    pending: live("pending"),
    previous: live("previous"),
    ours: versions.find((v) => v.createdByRunId === runId) ?? null,
  };
}

export function versionValue(secret: ManagedSecret, version: SecretVersion): string {
  return decryptSecret(version.ciphertext, secretAad(secret.id, version.version));
}

/** "v3 (hmac-sha256:…)": how plans, outputs and audit rows name a version. Never its value. */
export function versionLabel(version: Pick<SecretVersion, "version" | "fingerprint">): string {
  return `v${version.version} (${version.fingerprint})`;
}

/** Who holds a rotation claim, in words: "run 12, started by lee@example.com". */
export async function describeRun(db: Queryable, runId: string): Promise<{ runNumber: number | null; text: string }> {
  const [row] = await db
    .select({ number: runs.number, email: users.email })
    .from(runs)
    .innerJoin(users, eq(users.id, runs.startedBy))
    .where(eq(runs.id, runId));
  return row
    ? { runNumber: row.number, text: `run ${row.number}, started by ${row.email}` }
    : { runNumber: null, text: `run ${runId}` };
}

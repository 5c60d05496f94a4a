import { and, asc, desc, eq } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { managedSecrets, secretVersions, type ManagedSecret, type SecretLabel } from "@/db/schema";
import type { CreateSecretInput } from "@/lib/schemas/secrets";
import { appendAuditEvent } from "../audit/append";
import type { Actor } from "../audit/actor";
import { fingerprintSecret } from "../audit/fingerprint";
import { AppError } from "../errors";
import { decryptSecret, encryptSecret } from "../security/encryption";
import { generateSecretValue } from "./generate";

/** Where a version's ciphertext belongs; a ciphertext copied to another row will not decrypt. */
export function secretAad(secretId: string, version: number): string {
  return `secret:${secretId}:v${version}`;
}

export async function findSecret(db: Queryable, name: string): Promise<ManagedSecret | null> {
  const [secret] = await db.select().from(managedSecrets).where(eq(managedSecrets.name, name));
  return secret ?? null;
}

export async function requireSecret(db: Queryable, name: string, field = "secret"): Promise<ManagedSecret> {
  const secret = await findSecret(db, name);
  if (!secret) throw AppError.field(field, `No managed secret is named "${name}".`, "NOT_FOUND");
  return secret;
}

/** Creates a managed secret with its first (current) value: the one given, or a generated one. */
export async function createSecret(
  db: Queryable,
  actor: Actor,
  input: CreateSecretInput,
  options: { createdBy?: string | null } = {},
) {
  const value = input.value && input.value.length > 0 ? input.value : generateSecretValue(input.policy);
  return db.transaction(async (tx) => {
    if (await findSecret(tx, input.name))
      throw AppError.field("name", "A managed secret with this name already exists.", "CONFLICT");
    const [secret] = await tx
      .insert(managedSecrets)
      .values({
        name: input.name,
        description: input.description,
        policy: input.policy,
        gracePeriodSeconds: input.gracePeriodHours * 3600,
        createdBy: options.createdBy ?? actor.userId,
      })
      .returning();
    const fingerprint = fingerprintSecret(value);
    await tx.insert(secretVersions).values({
      secretId: secret!.id,
      version: 1,
      label: "current",
      ciphertext: encryptSecret(value, secretAad(secret!.id, 1)),
      fingerprint,
      promotedAt: new Date(),
    });
    await appendAuditEvent(tx, actor, {
      eventType: "secret.created",
      outcome: "success",
      entityType: "secret",
      entityId: secret!.name,
      meta: { name: secret!.name, fingerprint, generated: !input.value, policy: input.policy },
    });
    return { name: secret!.name, fingerprint };
  });
}

/** The decrypted value with a label (current by default), for connectors only; never logged or returned to a browser. */
export async function readSecretValue(
  db: Queryable,
  name: string,
  label: SecretLabel = "current",
): Promise<{ value: string; version: number; fingerprint: string } | null> {
  const secret = await findSecret(db, name);
  if (!secret) return null;
  const [version] = await db
    .select()
    .from(secretVersions)
    .where(and(eq(secretVersions.secretId, secret.id), eq(secretVersions.label, label)))
    .orderBy(desc(secretVersions.version))
    .limit(1);
  if (!version) return null;
  // A previous value stops being accepted the moment its grace period ends, even if the
  // retirement sweep has not relabelled it yet.
  if (label === "previous" && version.retireAfter && version.retireAfter <= new Date()) return null;
  return {
    value: decryptSecret(version.ciphertext, secretAad(secret.id, version.version)),
    version: version.version,
    fingerprint: version.fingerprint,
  };
}

/** Metadata only: names, labels, fingerprints and dates. */
export async function listSecrets(db: Queryable) {
  const secrets = await db.select().from(managedSecrets).orderBy(asc(managedSecrets.name));
  const versions = await db
    .select({
      secretId: secretVersions.secretId,
      version: secretVersions.version,
      label: secretVersions.label,
      fingerprint: secretVersions.fingerprint,
      createdAt: secretVersions.createdAt,
      promotedAt: secretVersions.promotedAt,
      retiredAt: secretVersions.retiredAt,
    })
    .from(secretVersions)
    .orderBy(desc(secretVersions.version));
  return secrets.map((secret) => ({
    name: secret.name,
    description: secret.description,
    policy: secret.policy,
    gracePeriodSeconds: secret.gracePeriodSeconds,
    rotationRunId: secret.rotationRunId,
    lastRotatedAt: secret.lastRotatedAt,
    createdAt: secret.createdAt,
    versions: versions.filter((v) => v.secretId === secret.id).map(({ secretId: _secretId, ...rest }) => rest),
  }));
}

/** Removes a managed secret and every version of it, with an audit row; false when there was none. */
export async function removeSecret(db: Queryable, actor: Actor, name: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const removed = await tx
      .delete(managedSecrets)
      .where(eq(managedSecrets.name, name))
      .returning({ name: managedSecrets.name });
    if (removed.length === 0) return false;
    await appendAuditEvent(tx, actor, {
      eventType: "secret.removed",
      outcome: "success",
      entityType: "secret",
      entityId: name,
      meta: { name },
    });
    return true;
  });
}

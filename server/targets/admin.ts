import { and, eq } from "drizzle-orm";
import { stringify } from "yaml";
import type { Queryable } from "@/db/client";
import { targets, type TargetSource } from "@/db/schema";
import type { SaveTargetInput, TargetRefInput } from "@/lib/schemas/targets";
import type { Actor } from "../audit/actor";
import { AppError } from "../errors";
import { selfBackupStatus } from "../backups/self-backup";
import { listTargets } from "./catalog";
import { configKeyHints, type ConfigKeyHint } from "./config-keys";
import { describeSource, removeTarget, saveTarget, type SaveOutcome } from "./commands";
import { TARGET_KINDS, targetKind } from "./kinds";

/** Every kind takes it (worker-group.ts), outside its own schema. */
const WORKER_GROUP_HINT: ConfigKeyHint = {
  key: "workerGroup",
  type: "string",
  required: false,
  description:
    "Only instances serving this worker group (KEEL_WORKER_GROUPS) execute the steps acting on this target; unset, any instance with workers does.",
};

/** What any signed-in user may see of the targets: no config, only each kind's one-line summary (which never holds a secret). */
export async function listTargetViews(db: Queryable) {
  const rows = await listTargets(db);
  // Keel's own database says how its self-backup is doing (the last backup, or the last error).
  const selfBackup = rows.some(isOwnDatabase) ? await selfBackupStatus(db) : null;
  return rows.map((row) => ({
    selfBackup: isOwnDatabase(row) ? selfBackup : null,
    kind: row.kind,
    kindLabel: targetKind(row.kind)?.label ?? row.kind,
    name: row.name,
    description: row.description,
    source: row.source,
    summary: row.summary,
    updatedAt: row.updatedAt,
  }));
}

export function listTargetKinds() {
  return TARGET_KINDS.map((kind) => ({
    kind: kind.kind,
    label: kind.label,
    keys: [...configKeyHints(kind.schema), WORKER_GROUP_HINT],
  }));
}

/**
 * One target with its config as YAML, for the admin's edit form. Configs name secrets, they do
 * not hold them (a secret's value lives only in the secret store).
 */
export async function getTargetForEditing(db: Queryable, ref: TargetRefInput) {
  const row = await findTarget(db, ref);
  if (!row) throw AppError.field("name", `No ${labelOf(ref.kind)} named "${ref.name}" is configured.`, "NOT_FOUND");
  return {
    kind: row.kind,
    name: row.name,
    description: row.description,
    source: row.source,
    configYaml: Object.keys(row.config).length > 0 ? stringify(row.config) : "",
  };
}

/** Adds (create) or changes (update) a target made on the admin page; file and demo targets are changed where they come from. */
export async function saveAdminTarget(
  db: Queryable,
  actor: Actor,
  input: SaveTargetInput,
): Promise<{ outcome: SaveOutcome }> {
  return db.transaction(async (tx) => {
    const existing = await findTarget(tx, input);
    if (existing && existing.source !== "admin") throw notEditableHere(existing.kind, existing.name, existing.source);
    if (input.mode === "create" && existing)
      throw AppError.field(
        "name",
        `A ${labelOf(input.kind)} named "${input.name}" already exists; edit it instead, or choose another name.`,
        "CONFLICT",
      );
    if (input.mode === "update" && !existing)
      throw AppError.field("name", `No ${labelOf(input.kind)} named "${input.name}" is configured.`, "NOT_FOUND");
    const outcome = await saveTarget(
      tx,
      actor,
      { kind: input.kind, name: input.name, description: input.description, config: input.config },
      "admin",
    );
    return { outcome };
  });
}

export async function removeAdminTarget(db: Queryable, actor: Actor, ref: TargetRefInput): Promise<{ removed: true }> {
  return db.transaction(async (tx) => {
    const existing = await findTarget(tx, ref);
    if (!existing)
      throw AppError.field("name", `No ${labelOf(ref.kind)} named "${ref.name}" is configured.`, "NOT_FOUND");
    if (existing.source !== "admin") throw notEditableHere(existing.kind, existing.name, existing.source);
    await removeTarget(tx, actor, ref.kind, ref.name, "admin");
    return { removed: true as const };
  });
}

async function findTarget(db: Queryable, ref: TargetRefInput) {
  const [row] = await db
    .select()
    .from(targets)
    .where(and(eq(targets.kind, ref.kind), eq(targets.name, ref.name)));
  return row ?? null;
}

function isOwnDatabase(row: { kind: string; source: TargetSource }): boolean {
  return row.kind === "database" && row.source === "builtin";
}

function labelOf(kind: string): string {
  return (targetKind(kind)?.label ?? kind).toLowerCase();
}

function notEditableHere(kind: string, name: string, source: TargetSource): AppError {
  const where =
    source === "file"
      ? "Change it in the targets file (KEEL_TARGETS_FILE); Keel reads it at its next start."
      : source === "builtin"
        ? "Keel registers it at start from KEEL_SELF_BACKUP_HOURS and KEEL_SELF_BACKUP_DIR."
        : "Removing the demo environment removes it.";
  return AppError.field(
    "name",
    `The ${labelOf(kind)} "${name}" comes from ${describeSource(source)} and cannot be changed on this page. ${where}`,
    "CONFLICT",
  );
}

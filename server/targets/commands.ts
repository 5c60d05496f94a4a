import { and, eq } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { targets, type TargetSource } from "@/db/schema";
import { appendAuditEvent } from "../audit/append";
import { canonicalJson } from "../audit/canonical-json";
import type { Actor } from "../audit/actor";
import { AppError } from "../errors";
import { targetKind } from "./kinds";
import { parseTargetConfig } from "./worker-group";

export type TargetEntry = { kind: string; name: string; description?: string; config: Record<string, unknown> };

const NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** Validates a target against its kind; the problems name the field ("config.healthUrl: …"). */
export function validateTarget(
  entry: TargetEntry,
): { ok: true; config: Record<string, unknown> } | { ok: false; fields: Record<string, string> } {
  const kind = targetKind(entry.kind);
  if (!kind) return { ok: false, fields: { kind: `Unknown target kind "${entry.kind}".` } };
  if (!NAME.test(entry.name))
    return { ok: false, fields: { name: "Use lower-case letters, digits and -, starting with a letter." } };
  const parsed = parseTargetConfig(kind, entry.config);
  if (parsed.success) return { ok: true, config: parsed.data };
  const fields: Record<string, string> = {};
  for (const issue of parsed.issues) fields[["config", ...issue.path.map(String)].join(".")] ??= issue.message;
  return { ok: false, fields };
}

export type SaveOutcome = "created" | "updated" | "unchanged";

/** Adds or replaces a target, with an audit row; a target from another source is not overwritten. */
export async function saveTarget(
  db: Queryable,
  actor: Actor,
  entry: TargetEntry,
  source: TargetSource,
): Promise<SaveOutcome> {
  const checked = validateTarget(entry);
  if (!checked.ok)
    throw new AppError("BAD_REQUEST", `The ${entry.kind} "${entry.name}" is not valid.`, { fields: checked.fields });
  // Only Keel registers its own database (server/backups/self-backup.ts); a copy elsewhere would pretend to be it.
  if (entry.kind === "database" && checked.config.driver === "keel" && source !== "builtin") {
    throw new AppError("BAD_REQUEST", `The ${entry.kind} "${entry.name}" is not valid.`, {
      fields: {
        "config.driver": '"keel" is Keel\'s own database, which Keel registers itself; use postgres or embedded.',
      },
    });
  }
  return db.transaction(async (tx) => {
    const [existing] = await tx
      .select()
      .from(targets)
      .where(and(eq(targets.kind, entry.kind), eq(targets.name, entry.name)));
    if (existing && existing.source !== source) {
      throw AppError.field(
        "name",
        `A ${entry.kind} named "${entry.name}" already comes from ${describeSource(existing.source)}, and only there can it be changed.`,
        "CONFLICT",
      );
    }
    // jsonb gives keys back in its own order, so compare canonical forms (else every start would "update").
    if (
      existing &&
      canonicalJson(existing.config) === canonicalJson(checked.config) &&
      existing.description === (entry.description ?? "")
    )
      return "unchanged";
    await tx
      .insert(targets)
      .values({
        kind: entry.kind,
        name: entry.name,
        description: entry.description ?? "",
        config: checked.config,
        source,
      })
      .onConflictDoUpdate({
        target: [targets.kind, targets.name],
        set: { description: entry.description ?? "", config: checked.config, updatedAt: new Date() },
      });
    await appendAuditEvent(tx, actor, {
      eventType: existing ? "target.updated" : "target.created",
      outcome: "success",
      entityType: "target",
      entityId: `${entry.kind}:${entry.name}`,
      meta: {
        kind: entry.kind,
        name: entry.name,
        source,
        config: checked.config,
        ...(existing ? { previousConfig: existing.config } : {}),
      },
    });
    return existing ? "updated" : "created";
  });
}

export function describeSource(source: TargetSource): string {
  return source === "file"
    ? "the targets file"
    : source === "demo"
      ? "the demo environment"
      : source === "builtin"
        ? "Keel itself"
        : "the admin page";
}

export async function removeTarget(
  db: Queryable,
  actor: Actor,
  kind: string,
  name: string,
  source?: TargetSource,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const conditions = [eq(targets.kind, kind), eq(targets.name, name)];
    if (source) conditions.push(eq(targets.source, source));
    const removed = await tx
      .delete(targets)
      .where(and(...conditions))
      .returning({ source: targets.source });
    if (removed.length === 0) return false;
    await appendAuditEvent(tx, actor, {
      eventType: "target.removed",
      outcome: "success",
      entityType: "target",
      entityId: `${kind}:${name}`,
      meta: { kind, name, source: removed[0]!.source },
    });
    return true;
  });
}

export type SyncSummary = {
  created: string[];
  updated: string[];
  removed: string[];
  unchanged: string[];
  conflicts: string[];
};

/**
 * Makes the file-sourced targets exactly those of the targets file. An entry whose name is
 * already taken by an admin or demo target is skipped and reported (the other one stays).
 */
export async function syncFileTargets(db: Queryable, actor: Actor, entries: TargetEntry[]): Promise<SyncSummary> {
  const summary: SyncSummary = { created: [], updated: [], removed: [], unchanged: [], conflicts: [] };
  for (const entry of entries) {
    const id = `${entry.kind}:${entry.name}`;
    try {
      summary[await saveTarget(db, actor, entry, "file")].push(id);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== "CONFLICT") throw error;
      summary.conflicts.push(`${entry.kind} "${entry.name}": ${error.message}`);
    }
  }
  const keep = entries.map((e) => `${e.kind}:${e.name}`);
  const stale = await db
    .select({ kind: targets.kind, name: targets.name })
    .from(targets)
    .where(eq(targets.source, "file"));
  for (const row of stale) {
    if (!keep.includes(`${row.kind}:${row.name}`) && (await removeTarget(db, actor, row.kind, row.name, "file")))
      summary.removed.push(`${row.kind}:${row.name}`);
  }
  return summary;
}

import { and, asc, eq } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { managedSecrets, targets, type Target } from "@/db/schema";
import type { RefOptions } from "@/lib/runbooks/input-schema";
import { AppError } from "../errors";
import { targetKind, TARGET_KINDS } from "./kinds";
import { parseTargetConfig } from "./worker-group";

/** The names runbook inputs may refer to, by kind: what the start form offers and the server accepts. */
export async function refOptions(db: Queryable): Promise<RefOptions> {
  const rows = await db.select({ kind: targets.kind, name: targets.name }).from(targets).orderBy(asc(targets.name));
  const options: RefOptions = {
    secret: (await db.select({ name: managedSecrets.name }).from(managedSecrets).orderBy(asc(managedSecrets.name))).map(
      (s) => s.name,
    ),
  };
  for (const row of rows) (options[row.kind] ??= []).push(row.name);
  return options;
}

export async function listTargets(db: Queryable, kind?: string) {
  const rows = await db
    .select()
    .from(targets)
    .where(kind ? eq(targets.kind, kind) : undefined)
    .orderBy(asc(targets.kind), asc(targets.name));
  return rows.map((row) => ({ ...row, summary: summarise(row) }));
}

function summarise(row: Target): string {
  const kind = targetKind(row.kind);
  const parsed = kind ? parseTargetConfig(kind, row.config) : null;
  return kind && parsed?.success ? kind.describe(parsed.data) : "configuration not recognised";
}

/**
 * A target's validated config, for an action about to use it. A name that is not configured, or
 * a config that no longer validates, is a clear error naming the field (never a crash mid-step).
 */
export async function getTargetConfig<Config>(
  db: Queryable,
  kind: string,
  name: string,
  field = kind,
): Promise<{ name: string; config: Config; source: Target["source"] }> {
  const definition = targetKind(kind);
  if (!definition) throw AppError.field(field, `Keel has no target kind "${kind}".`);
  const [row] = await db
    .select()
    .from(targets)
    .where(and(eq(targets.kind, kind), eq(targets.name, name)));
  if (!row)
    throw AppError.field(field, `No ${definition.label.toLowerCase()} named "${name}" is configured.`, "NOT_FOUND");
  const parsed = parseTargetConfig(definition, row.config);
  if (!parsed.success) {
    throw AppError.field(
      field,
      `The ${definition.label.toLowerCase()} "${name}" is misconfigured: ${parsed.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  return { name: row.name, config: parsed.data as Config, source: row.source };
}

export function knownKinds(): string[] {
  return TARGET_KINDS.map((k) => k.kind);
}

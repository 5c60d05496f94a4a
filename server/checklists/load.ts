import { and, eq, max, sql } from "drizzle-orm";
import type { Database, Transaction } from "@/db/client";
import { auditEvents, checklistTemplates, checklistTemplateVersions } from "@/db/schema";
import type { ChecklistTemplateDefinition } from "@/lib/checklists/template";
import { formatRunbookProblem, type RunbookFileProblem } from "@/lib/runbooks/problems";
import { appendAuditEvent } from "../audit/append";
import type { Actor } from "../audit/actor";
import type { StepRegistry } from "../engine/registry";
import type { RunbookSourceFile } from "../runbooks/files";
import { readTemplateFiles } from "./files";
import { checkTemplateFile } from "./parse";

export type TemplateLoadSummary = {
  loaded: string[];
  unchanged: string[];
  invalid: { path: string; problems: RunbookFileProblem[] }[];
};

const LOAD_LOCK_KEY = 4_127_010;

/**
 * Loads every checklist template file (`checklists/` in each runbook directory), like runbook
 * files: a valid file whose content is new becomes the template's next version (checklists made
 * from earlier versions keep theirs); a file with problems does not load, its last valid
 * version stays current, and the audit trail records the problems once per content.
 */
export async function loadChecklistTemplates(
  db: Database,
  options: { directories: string[]; registry: StepRegistry; actor: Actor; root?: string },
): Promise<TemplateLoadSummary> {
  const files = await readTemplateFiles(options.root ?? process.cwd(), options.directories);
  const summary: TemplateLoadSummary = { loaded: [], unchanged: [], invalid: [] };
  const claimed = new Map<string, string>();
  for (const file of files) {
    const result = file.readError
      ? { ok: false as const, problems: [{ line: 1, column: 1, message: file.readError }] }
      : checkTemplateFile(file.text, options.registry);
    let problems = result.ok ? null : result.problems;
    if (result.ok && claimed.has(result.definition.id)) {
      problems = [
        {
          ...result.positions.of(["id"]),
          message: `id: template id "${result.definition.id}" is already declared by ${claimed.get(result.definition.id)}; each template file needs its own id`,
        },
      ];
    }
    if (result.ok && !problems) {
      claimed.set(result.definition.id, file.path);
      const outcome = await db.transaction((tx) => loadValid(tx, options.actor, file, result.definition));
      summary[outcome].push(file.path);
    } else {
      await db.transaction((tx) => recordInvalid(tx, options.actor, file, problems!));
      summary.invalid.push({ path: file.path, problems: problems! });
    }
  }
  return summary;
}

async function loadValid(
  tx: Transaction,
  actor: Actor,
  file: RunbookSourceFile,
  definition: ChecklistTemplateDefinition,
): Promise<"loaded" | "unchanged"> {
  await tx.execute(sql`select pg_advisory_xact_lock(${LOAD_LOCK_KEY})`);
  const fields = { title: definition.title, summary: definition.summary, filePath: file.path };
  const [existing] = await tx.select().from(checklistTemplates).where(eq(checklistTemplates.id, definition.id));
  if (!existing) await tx.insert(checklistTemplates).values({ id: definition.id, ...fields });
  let [version] = await tx
    .select()
    .from(checklistTemplateVersions)
    .where(and(eq(checklistTemplateVersions.templateId, definition.id), eq(checklistTemplateVersions.hash, file.hash)));
  if (!version) {
    const [latest] = await tx
      .select({ number: max(checklistTemplateVersions.number) })
      .from(checklistTemplateVersions)
      .where(eq(checklistTemplateVersions.templateId, definition.id));
    [version] = await tx
      .insert(checklistTemplateVersions)
      .values({
        templateId: definition.id,
        number: (latest?.number ?? 0) + 1,
        hash: file.hash,
        content: file.text,
        definition,
      })
      .returning();
  }
  const changed = !existing || existing.currentVersionId !== version!.id || existing.filePath !== file.path;
  if (!changed) return "unchanged";
  await tx
    .update(checklistTemplates)
    .set({ ...fields, currentVersionId: version!.id, updatedAt: new Date() })
    .where(eq(checklistTemplates.id, definition.id));
  await appendAuditEvent(tx, actor, {
    eventType: "checklist_template.loaded",
    outcome: "success",
    entityType: "checklist_template",
    entityId: definition.id,
    meta: {
      version: version!.number,
      hash: file.hash,
      file: file.path,
      items: definition.sections.reduce((n, s) => n + s.items.length, 0),
    },
  });
  return "loaded";
}

async function recordInvalid(
  tx: Transaction,
  actor: Actor,
  file: RunbookSourceFile,
  problems: RunbookFileProblem[],
): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${LOAD_LOCK_KEY})`);
  const [already] = await tx
    .select({ seq: auditEvents.seq })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.eventType, "checklist_template.load_failed"),
        eq(auditEvents.entityId, file.path),
        sql`${auditEvents.eventMeta}->>'hash' = ${file.hash}`,
      ),
    )
    .limit(1);
  if (already) return;
  await appendAuditEvent(tx, actor, {
    eventType: "checklist_template.load_failed",
    outcome: "failure",
    entityType: "checklist_template_file",
    entityId: file.path,
    meta: {
      file: file.path,
      hash: file.hash,
      problemCount: problems.length,
      problems: problems.slice(0, 20).map((p) => formatRunbookProblem(file.path, p)),
    },
  });
}

export function describeTemplateLoad(summary: TemplateLoadSummary): string {
  return `checklist templates: ${summary.loaded.length} loaded, ${summary.unchanged.length} unchanged, ${summary.invalid.length} invalid`;
}

import { and, eq, max, notInArray, sql } from "drizzle-orm";
import type { Database, Transaction } from "@/db/client";
import { runbookFiles, runbooks, runbookVersions } from "@/db/schema";
import type { RunbookDefinition } from "@/lib/runbooks/definition";
import { formatRunbookProblem, type RunbookFileProblem } from "@/lib/runbooks/problems";
import { appendAuditEvent } from "../audit/append";
import type { Actor } from "../audit/actor";
import type { StepRegistry } from "../engine/registry";
import { checkRunbookFiles } from "./check-file-set";
import { readRunbookFiles, type RunbookSourceFile } from "./files";

export type LoadOptions = {
  /** Relative to `root` (or absolute). Only files directly inside each are read. */
  directories: string[];
  registry: StepRegistry;
  actor: Actor;
  /** The repository root that recorded file paths are relative to (default: the working directory). */
  root?: string;
};

export type LoadSummary = {
  /** Files whose runbook got a new current version (a new one, or an earlier one the file went back to). */
  loaded: string[];
  unchanged: string[];
  invalid: { path: string; problems: RunbookFileProblem[] }[];
  /** Configured directories that do not exist. */
  missingDirectories: string[];
};

/** Arbitrary, fixed key: instances starting together load one file at a time, so version numbers never clash. */
const LOAD_LOCK_KEY = 4_127_002;
/** Enough to act on in the audit trail without one broken file writing an enormous row. */
const AUDITED_PROBLEMS = 20;

/**
 * Loads every runbook file in the directories. A valid file whose content is new becomes its
 * runbook's next version (earlier versions stay, so runs pinned to them keep working); an
 * invalid file never loads and the previous valid version stays current. Each file is one
 * transaction with its audit row.
 */
export async function loadRunbooks(db: Database, options: LoadOptions): Promise<LoadSummary> {
  const root = options.root ?? process.cwd();
  const { files, missingDirectories } = await readRunbookFiles(root, options.directories);
  const owners = new Map(
    (await db.select({ id: runbooks.id, filePath: runbooks.filePath }).from(runbooks)).map((row) => [
      row.id,
      row.filePath,
    ]),
  );
  const summary: LoadSummary = { loaded: [], unchanged: [], invalid: [], missingDirectories };

  for (const verdict of checkRunbookFiles(files, options.registry, owners)) {
    if (verdict.ok) {
      const outcome = await db.transaction((tx) => loadValidFile(tx, options.actor, verdict.file, verdict.definition));
      summary[outcome].push(verdict.file.path);
    } else {
      await db.transaction((tx) =>
        recordInvalidFile(tx, options.actor, verdict.file, verdict.problems, verdict.runbookId),
      );
      summary.invalid.push({ path: verdict.file.path, problems: verdict.problems });
    }
  }

  // Files that are gone have nothing left to report; their runbooks and versions stay for the runs that used them.
  const present = files.map((file) => file.path);
  await db.delete(runbookFiles).where(present.length > 0 ? notInArray(runbookFiles.path, present) : undefined);
  return summary;
}

async function loadValidFile(
  tx: Transaction,
  actor: Actor,
  file: RunbookSourceFile,
  definition: RunbookDefinition,
): Promise<"loaded" | "unchanged"> {
  await tx.execute(sql`select pg_advisory_xact_lock(${LOAD_LOCK_KEY})`);
  const catalogFields = {
    title: definition.title,
    summary: definition.summary,
    risk: definition.risk,
    services: definition.services,
    tags: definition.tags,
    filePath: file.path,
  };
  const [existing] = await tx.select().from(runbooks).where(eq(runbooks.id, definition.id));
  if (!existing) await tx.insert(runbooks).values({ id: definition.id, ...catalogFields });

  let [version] = await tx
    .select()
    .from(runbookVersions)
    .where(and(eq(runbookVersions.runbookId, definition.id), eq(runbookVersions.hash, file.hash)));
  if (!version) {
    const [latest] = await tx
      .select({ number: max(runbookVersions.number) })
      .from(runbookVersions)
      .where(eq(runbookVersions.runbookId, definition.id));
    [version] = await tx
      .insert(runbookVersions)
      .values({
        runbookId: definition.id,
        number: (latest?.number ?? 0) + 1,
        hash: file.hash,
        content: file.text,
        definition,
      })
      .returning();
  }

  const changed = !existing || existing.currentVersionId !== version!.id || existing.filePath !== file.path;
  if (changed) {
    await tx
      .update(runbooks)
      .set({ ...catalogFields, currentVersionId: version!.id, updatedAt: new Date() })
      .where(eq(runbooks.id, definition.id));
    const previous = existing?.currentVersionId ? await versionNumber(tx, existing.currentVersionId) : null;
    await appendAuditEvent(tx, actor, {
      eventType: "runbook.loaded",
      outcome: "success",
      entityType: "runbook",
      entityId: definition.id,
      meta: {
        version: version!.number,
        hash: file.hash,
        file: file.path,
        ...(previous !== null ? { previousVersion: previous } : {}),
      },
    });
  }
  await recordFile(tx, { path: file.path, runbookId: definition.id, status: "valid", problems: [], hash: file.hash });
  return changed ? "loaded" : "unchanged";
}

async function recordInvalidFile(
  tx: Transaction,
  actor: Actor,
  file: RunbookSourceFile,
  problems: RunbookFileProblem[],
  runbookId: string | null,
): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${LOAD_LOCK_KEY})`);
  const [previous] = await tx.select().from(runbookFiles).where(eq(runbookFiles.path, file.path));
  const id = runbookId ?? previous?.runbookId ?? null;
  await recordFile(tx, { path: file.path, runbookId: id, status: "invalid", problems, hash: file.hash });
  // Once per broken content (or when a file that loaded stops loading), not on every start.
  const alreadyRecorded = previous?.status === "invalid" && previous.hash === file.hash;
  if (alreadyRecorded) return;
  await appendAuditEvent(tx, actor, {
    eventType: "runbook.load_failed",
    outcome: "failure",
    entityType: "runbook_file",
    entityId: file.path,
    meta: {
      file: file.path,
      hash: file.hash,
      ...(id ? { runbookId: id } : {}),
      problemCount: problems.length,
      problems: problems.slice(0, AUDITED_PROBLEMS).map((problem) => formatRunbookProblem(file.path, problem)),
    },
  });
}

async function recordFile(tx: Transaction, row: typeof runbookFiles.$inferInsert): Promise<void> {
  const checkedAt = new Date();
  await tx
    .insert(runbookFiles)
    .values({ ...row, checkedAt })
    .onConflictDoUpdate({
      target: runbookFiles.path,
      set: { runbookId: row.runbookId, status: row.status, problems: row.problems, hash: row.hash, checkedAt },
    });
}

async function versionNumber(tx: Transaction, versionId: string): Promise<number | null> {
  const [row] = await tx
    .select({ number: runbookVersions.number })
    .from(runbookVersions)
    .where(eq(runbookVersions.id, versionId));
  return row?.number ?? null;
}

/** One line for the log and the terminal: "runbooks: 2 loaded, 5 unchanged, 1 invalid". */
export function describeLoadSummary(summary: LoadSummary): string {
  const parts = [
    `${summary.loaded.length} loaded`,
    `${summary.unchanged.length} unchanged`,
    `${summary.invalid.length} invalid`,
  ];
  return `runbooks: ${parts.join(", ")}`;
}

/** `path:line:column message` for every problem of every invalid file. */
export function invalidFileLines(summary: LoadSummary): string[] {
  return summary.invalid.flatMap(({ path, problems }) =>
    problems.map((problem) => formatRunbookProblem(path, problem)),
  );
}

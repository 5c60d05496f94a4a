import { and, asc, desc, eq, inArray } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { runbookFiles, runbooks, runbookVersions } from "@/db/schema";
import type { DiffRunbookVersionsInput, GetRunbookInput, GetRunbookVersionInput } from "@/lib/schemas/runbooks";
import { AppError } from "../errors";
import { unifiedDiffLines } from "./version-diff";

/** The catalog: every runbook that has a loaded version, by title. */
export async function listRunbooks(db: Queryable) {
  return db
    .select({
      id: runbooks.id,
      title: runbooks.title,
      summary: runbooks.summary,
      risk: runbooks.risk,
      services: runbooks.services,
      tags: runbooks.tags,
      version: runbookVersions.number,
      loadedAt: runbookVersions.loadedAt,
    })
    .from(runbooks)
    .innerJoin(runbookVersions, eq(runbookVersions.id, runbooks.currentVersionId))
    .orderBy(asc(runbooks.title), asc(runbooks.id));
}

/** One runbook with the definition new runs start from, and every version it has had (newest first). */
export async function getRunbook(db: Queryable, { runbookId }: GetRunbookInput) {
  const [row] = await db
    .select({ runbook: runbooks, current: runbookVersions })
    .from(runbooks)
    .innerJoin(runbookVersions, eq(runbookVersions.id, runbooks.currentVersionId))
    .where(eq(runbooks.id, runbookId));
  if (!row) throw AppError.field("runbookId", "No runbook has this id.", "NOT_FOUND");
  const { runbook, current } = row;
  return {
    id: runbook.id,
    title: runbook.title,
    summary: runbook.summary,
    risk: runbook.risk,
    services: runbook.services,
    tags: runbook.tags,
    filePath: runbook.filePath,
    version: { number: current.number, hash: current.hash, loadedAt: current.loadedAt },
    definition: current.definition,
    versions: await listVersions(db, runbookId),
  };
}

/** One version exactly as it was loaded: the file's text and its parsed definition. */
export async function getRunbookVersion(db: Queryable, { runbookId, number }: GetRunbookVersionInput) {
  const [version] = await db
    .select()
    .from(runbookVersions)
    .where(and(eq(runbookVersions.runbookId, runbookId), eq(runbookVersions.number, number)));
  if (!version) throw AppError.field("number", await noSuchVersion(db, runbookId, number), "NOT_FOUND");
  return {
    runbookId,
    number,
    hash: version.hash,
    loadedAt: version.loadedAt,
    content: version.content,
    definition: version.definition,
  };
}

/** What changed in the file between two versions, as unified diff lines. */
export async function diffRunbookVersions(db: Queryable, { runbookId, from, to }: DiffRunbookVersionsInput) {
  const rows = await db
    .select({ number: runbookVersions.number, content: runbookVersions.content })
    .from(runbookVersions)
    .where(and(eq(runbookVersions.runbookId, runbookId), inArray(runbookVersions.number, [from, to])));
  const older = rows.find((row) => row.number === from);
  if (!older) throw AppError.field("from", await noSuchVersion(db, runbookId, from));
  const newer = rows.find((row) => row.number === to);
  if (!newer) throw AppError.field("to", await noSuchVersion(db, runbookId, to));
  return { runbookId, from, to, lines: unifiedDiffLines(older.content, newer.content) };
}

/** Runbook files that did not load, with their problems: for admins, who can fix them. */
export async function listRunbookFileProblems(db: Queryable) {
  return db
    .select({
      path: runbookFiles.path,
      runbookId: runbookFiles.runbookId,
      problems: runbookFiles.problems,
      checkedAt: runbookFiles.checkedAt,
    })
    .from(runbookFiles)
    .where(eq(runbookFiles.status, "invalid"))
    .orderBy(asc(runbookFiles.path));
}

async function listVersions(db: Queryable, runbookId: string) {
  return db
    .select({ number: runbookVersions.number, hash: runbookVersions.hash, loadedAt: runbookVersions.loadedAt })
    .from(runbookVersions)
    .where(eq(runbookVersions.runbookId, runbookId))
    .orderBy(desc(runbookVersions.number));
}

/** Says which versions exist; an unknown runbook is NOT_FOUND, whichever field was asked about. */
async function noSuchVersion(db: Queryable, runbookId: string, number: number): Promise<string> {
  const numbers = (await listVersions(db, runbookId)).map((version) => version.number).sort((a, b) => a - b);
  if (numbers.length === 0) throw AppError.field("runbookId", "No runbook has this id.", "NOT_FOUND");
  const range = numbers.length === 1 ? `only version ${numbers[0]}` : `versions ${numbers[0]} to ${numbers.at(-1)}`;
  return `Runbook ${runbookId} has no version ${number}; it has ${range}.`;
}

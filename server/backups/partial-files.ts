import { readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { targets } from "@/db/schema";

/**
 * A dump is written to `.<backup name>.partial` and renamed when complete (backup-files.ts). A
 * process killed mid-dump leaves that file behind, as large as the dump had grown; these remove
 * such leftovers: those of one step's earlier attempts at once, and any untouched for an hour.
 */
const PARTIAL_FILE = /^\.(.+)-([0-9a-f]{8})\.(?:dump|sql)\.partial$/;

/** A running dump keeps writing to its file; one untouched this long was left by a crash. */
export const STALE_PARTIAL_MS = 3_600_000;

function partialFiles(directory: string): { name: string; path: string; marker: string }[] {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const match = PARTIAL_FILE.exec(name);
    return match ? [{ name, path: path.join(directory, name), marker: match[2]! }] : [];
  });
}

/** Removes the unfinished files of the dumps marked with these markers (earlier attempts of one step); returns their names. */
export function removePartialsOfMarkers(directory: string, markers: string[]): string[] {
  const wanted = new Set(markers);
  const doomed = partialFiles(directory).filter((file) => wanted.has(file.marker));
  for (const file of doomed) rmSync(file.path, { force: true });
  return doomed.map((file) => file.name);
}

/** Removes unfinished files untouched for `olderThanMs` (optionally only those whose name passes `which`); returns their names. */
export function removeStalePartials(
  directory: string,
  now: Date,
  olderThanMs = STALE_PARTIAL_MS,
  which: (name: string) => boolean = () => true,
): string[] {
  const removed: string[] = [];
  for (const file of partialFiles(directory)) {
    if (!which(file.name)) continue;
    let modified: number;
    try {
      modified = statSync(file.path).mtime.getTime();
    } catch {
      continue; // gone meanwhile (its dump completed, or another instance removed it)
    }
    if (now.getTime() - modified <= olderThanMs) continue;
    rmSync(file.path, { force: true });
    removed.push(file.name);
  }
  return removed;
}

/** For the retention sweep: stale unfinished dumps in every database target's backup directory; returns how many went. */
export async function sweepStalePartials(db: Queryable, now: Date): Promise<number> {
  const rows = await db.select({ config: targets.config }).from(targets).where(eq(targets.kind, "database"));
  const directories = new Set(
    rows.map((row) => row.config.backupDirectory).filter((d): d is string => typeof d === "string" && d.length > 0),
  );
  let removed = 0;
  for (const directory of directories) removed += removeStalePartials(directory, now).length;
  return removed;
}

import { createHash } from "node:crypto";
import {
  createReadStream,
  closeSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
} from "node:fs";
import path from "node:path";
import { readFileIfExists, writeFileAtomic } from "../connectors/files";
import { AppError } from "../errors";

/**
 * The backups of one database are the files of its backup directory: `<name>.dump` (pg_dump's
 * custom format) or `<name>.sql` (plain SQL), each with a `<file>.sha256` beside it. A backup is
 * written under a temporary name and renamed when complete, so a listed backup is never partial.
 */

export type BackupFormat = "custom" | "sql";
export type BackupFile = {
  name: string;
  path: string;
  format: BackupFormat;
  sizeBytes: number;
  modifiedAt: Date;
  sha256: string | null;
};

/** A bare file name: no directory part, no leading dot, nothing a shell or a path would read specially. */
const BACKUP_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

export function formatOf(name: string): BackupFormat | null {
  if (name.endsWith(".dump")) return "custom";
  if (name.endsWith(".sql")) return "sql";
  return null;
}

/** Why a name cannot be a backup's, or null when it can. */
export function backupNameProblem(name: string): string | null {
  if (name.includes("/") || name.includes("\\") || name.includes(".."))
    return "Give the backup's file name only, without a directory or '..'.";
  if (!BACKUP_NAME.test(name)) return "Use the file name as listed: letters, digits, '.', '-' and '_'.";
  if (!formatOf(name)) return "A backup's file name ends in .dump or .sql.";
  return null;
}

/** The backup with this name in the directory, or a clear error naming the field. */
export function resolveBackup(directory: string, name: string, field = "backup"): BackupFile {
  const problem = backupNameProblem(name);
  if (problem) throw AppError.field(field, problem);
  const file = path.join(directory, name);
  // Belt and braces: the name cannot leave the directory even if the pattern above were loosened.
  if (path.dirname(file) !== path.resolve(directory))
    throw AppError.field(field, "The backup must be a file in the backup directory.");
  const found = readBackup(directory, name);
  if (!found) throw AppError.field(field, `There is no backup named ${name} in ${directory}.`, "NOT_FOUND");
  return found;
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === "ENOENT";
}

/** A directory or file Keel may not read is a problem to fix, not an empty backup list. */
function unreadable(what: string, error: unknown): Error {
  return new Error(
    `Keel cannot read ${what}: ${(error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error))}. Check its owner and permissions.`,
  );
}

function readBackup(directory: string, name: string): BackupFile | null {
  const file = path.join(directory, name);
  let stat;
  try {
    stat = lstatSync(file);
  } catch (error) {
    if (isMissing(error)) return null;
    throw unreadable(`the backup ${file}`, error);
  }
  // A symbolic link could point anywhere on the machine; only regular files are backups.
  if (!stat.isFile()) return null;
  const sidecar = readFileIfExists(`${file}.sha256`);
  return {
    name,
    path: file,
    format: formatOf(name)!,
    sizeBytes: stat.size,
    modifiedAt: stat.mtime,
    sha256: sidecar?.split(/\s+/)[0] ?? null,
  };
}

/** Every complete backup in the directory, newest first. A missing directory holds none; one Keel may not read is an error. */
export function listBackups(directory: string): BackupFile[] {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch (error) {
    if (isMissing(error)) return [];
    throw unreadable(`the backup directory ${directory}`, error);
  }
  return names
    .filter((name) => backupNameProblem(name) === null)
    .map((name) => readBackup(directory, name))
    .filter((b): b is BackupFile => b !== null)
    .sort((a, b) => b.modifiedAt.getTime() - a.modifiedAt.getTime() || b.name.localeCompare(a.name));
}

/** "shop-20261201T074500Z-1a2b3c4d.dump": the database, when (UTC), and which step made it. */
export function backupFileName(database: string, at: Date, marker: string, format: BackupFormat): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
  return `${database}-${stamp}-${marker}.${format === "custom" ? "dump" : "sql"}`;
}

/** The backup an earlier attempt of the same step already completed, found by its marker. */
export function findBackupByMarker(directory: string, marker: string): BackupFile | null {
  return listBackups(directory).find((b) => b.name.replace(/\.(dump|sql)$/, "").endsWith(`-${marker}`)) ?? null;
}

export function partialPathFor(directory: string, name: string): string {
  return path.join(directory, `.${name}.partial`);
}

/**
 * Makes a fully written temporary file the backup: flush it, record its checksum beside it,
 * rename it into place, and flush the directory so the rename survives a power cut.
 */
export async function completeBackup(directory: string, partial: string, name: string): Promise<BackupFile> {
  const fd = openSync(partial, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  const sha256 = await sha256Of(partial);
  const file = path.join(directory, name);
  writeFileAtomic(`${file}.sha256`, `${sha256}  ${name}\n`);
  renameSync(partial, file);
  const dir = openSync(directory, "r");
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
  return readBackup(directory, name)!;
}

export function ensureBackupDirectory(directory: string): void {
  mkdirSync(directory, { recursive: true, mode: 0o700 });
}

export function removePartial(partial: string): void {
  rmSync(partial, { force: true });
}

export function sha256Of(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(file)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolve(hash.digest("hex")));
  });
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

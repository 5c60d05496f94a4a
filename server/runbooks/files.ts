import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

export type RunbookSourceFile = {
  /** Relative to the repository root, with forward slashes: how problems and the catalog name it. */
  path: string;
  /** SHA-256 (hex) of the bytes; runbook versions are keyed by it. */
  hash: string;
  text: string;
  /** Set when the file was listed but could not be read. */
  readError?: string;
};

export type RunbookSourceFiles = { files: RunbookSourceFile[]; missingDirectories: string[] };

const RUNBOOK_FILE = /\.ya?ml$/i;
/** The targets file (KEEL_TARGETS_FILE's default) and its commented example live beside the runbooks but are not runbooks. */
const TARGETS_FILE = /^targets(\.example)?\.ya?ml$/i;

/**
 * Every *.yaml / *.yml file directly inside each directory, in a stable order (directories as
 * given, files by name). Subdirectories are left alone: runbooks/checklists/ holds another kind of file.
 */
/** Whether a file in a runbook directory is read as a runbook. */
export function isRunbookFileName(name: string): boolean {
  return RUNBOOK_FILE.test(name) && !TARGETS_FILE.test(name);
}

export async function readRunbookFiles(root: string, directories: string[]): Promise<RunbookSourceFiles> {
  const files: RunbookSourceFile[] = [];
  const missingDirectories: string[] = [];
  const seen = new Set<string>();
  for (const directory of directories) {
    const absoluteDirectory = path.resolve(root, directory);
    let entries;
    try {
      entries = await readdir(absoluteDirectory, { withFileTypes: true });
    } catch {
      missingDirectories.push(directory);
      continue;
    }
    const names = entries.filter((entry) => entry.isFile() && isRunbookFileName(entry.name)).map((entry) => entry.name);
    for (const name of names.sort()) {
      const absolute = path.join(absoluteDirectory, name);
      const relative = path.relative(root, absolute).split(path.sep).join("/");
      // A directory listed twice (or "runbooks" and "./runbooks") must not load its files twice.
      if (seen.has(relative)) continue;
      seen.add(relative);
      files.push(await readOne(absolute, relative));
    }
  }
  return { files, missingDirectories };
}

async function readOne(absolute: string, relative: string): Promise<RunbookSourceFile> {
  try {
    const bytes = await readFile(absolute);
    return { path: relative, hash: sha256(bytes), text: bytes.toString("utf8") };
  } catch (error) {
    const reason = error instanceof Error && "code" in error ? String(error.code) : String(error);
    return {
      path: relative,
      hash: sha256(Buffer.alloc(0)),
      text: "",
      readError: `the file cannot be read (${reason})`,
    };
  }
}

export function sha256(bytes: Buffer | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

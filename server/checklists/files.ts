import path from "node:path";
import { readRunbookFiles, type RunbookSourceFile } from "../runbooks/files";

/** Checklist templates live in `checklists/` inside each runbook directory; a directory without one has none. */
export async function readTemplateFiles(root: string, runbookDirectories: string[]): Promise<RunbookSourceFile[]> {
  const { files } = await readRunbookFiles(
    root,
    runbookDirectories.map((directory) => path.join(directory, "checklists")),
  );
  return files;
}

import { readdirSync } from "node:fs";
import { isRunbookFileName } from "../../server/runbooks/files";

/** How many runbook files Keel reads from these directories: counts follow what is shipped instead of being written down. */
export function runbookFileCount(...directories: string[]): number {
  return directories.flatMap((directory) => readdirSync(directory).filter(isRunbookFileName)).length;
}

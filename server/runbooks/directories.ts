/** Where runbook files live unless KEEL_RUNBOOK_DIRS says otherwise. */
export const DEFAULT_RUNBOOK_DIRS = ["runbooks"];

/** KEEL_RUNBOOK_DIRS is comma-separated; blanks around names and empty entries are ignored. */
export function splitRunbookDirectories(value: string | undefined): string[] {
  const directories = (value ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  return directories.length > 0 ? directories : DEFAULT_RUNBOOK_DIRS;
}

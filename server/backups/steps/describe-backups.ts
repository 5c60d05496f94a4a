import { formatDuration } from "@/lib/runbooks/duration";
import { formatBytes, type BackupFile } from "../backup-files";

export function ageSecondsOf(backup: BackupFile, now = Date.now()): number {
  return Math.max(0, Math.round((now - backup.modifiedAt.getTime()) / 1000));
}

/** One line per backup for the run page: name, size, age, start of its checksum. */
export function backupLine(backup: BackupFile, now = Date.now()): string {
  return `${backup.name}  ${formatBytes(backup.sizeBytes)}  ${formatDuration(ageSecondsOf(backup, now))} old${backup.sha256 ? `  sha256 ${backup.sha256.slice(0, 12)}…` : "  (no checksum file)"}`;
}

/** "1.4 s", "2 min 5 s": how long a restore took, for people. */
export function formatElapsed(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

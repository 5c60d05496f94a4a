import { createHash } from "node:crypto";

/** What a sink holds for one entry. The reason stays in Keel: sinks get an id, the range and a fixed comment. */
export type SinkEntry = { id: string; cidr: string; comment: string; expiresAt: Date };

/**
 * The entry a run's step adds has an id derived from the run and the step, so every attempt and
 * every re-execution after a crash names the same entry (and the plan can show its exact line).
 */
export function entryIdFor(runId: string, stepId: string): string {
  const hex = createHash("sha256").update(`keel-allowlist-entry:${runId}:${stepId}`).digest("hex");
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Fixed text, never the reason: reasons are free text that does not belong in a config file or a vendor's API. */
export function entryComment(runNumber: number): string {
  return `added by Keel run ${runNumber}`;
}

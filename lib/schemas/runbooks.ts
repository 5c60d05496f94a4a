import { z } from "zod";

/** Input schemas of the runbooks router; the catalog and runbook pages build the same objects. */
const runbookId = z.string().trim().min(1, "Choose a runbook").max(63, "No runbook has an id this long");
const versionNumber = z
  .number({ message: "Use a version number" })
  .int("Use a whole version number")
  .min(1, "Version numbers start at 1");

export const getRunbookInput = z.object({ runbookId });

export const getRunbookVersionInput = z.object({ runbookId, number: versionNumber });

export const diffRunbookVersionsInput = z.object({ runbookId, from: versionNumber, to: versionNumber });

export type GetRunbookInput = z.infer<typeof getRunbookInput>;
export type GetRunbookVersionInput = z.infer<typeof getRunbookVersionInput>;
export type DiffRunbookVersionsInput = z.infer<typeof diffRunbookVersionsInput>;

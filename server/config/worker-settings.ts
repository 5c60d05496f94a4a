import { z } from "zod";
import { workerGroupName } from "@/lib/worker-groups";

/** In KEEL_WORKER_GROUPS: this instance does not run steps that name no worker group. */
export const NOT_UNGROUPED = "-ungrouped";

export type WorkerGroups = { groups: string[]; ungrouped: boolean };

/**
 * KEEL_WORKER_GROUPS: the worker groups whose steps this instance executes, comma-separated, as
 * well as the steps that name none — unless the list holds `-ungrouped`.
 */
const workerGroups = z
  .string()
  .default("")
  .transform((text, ctx): WorkerGroups => {
    const entries = text
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean);
    const groups: string[] = [];
    for (const entry of entries) {
      if (entry === NOT_UNGROUPED) continue;
      const parsed = workerGroupName.safeParse(entry);
      if (!parsed.success)
        ctx.addIssue({
          code: "custom",
          message: `"${entry}": ${parsed.error.issues[0]!.message}, or ${NOT_UNGROUPED}`,
        });
      else if (!groups.includes(entry)) groups.push(entry);
    }
    const ungrouped = !entries.includes(NOT_UNGROUPED);
    if (!ungrouped && groups.length === 0)
      ctx.addIssue({
        code: "custom",
        message: `${NOT_UNGROUPED} needs at least one worker group beside it (or set KEEL_WORKERS=0 for a web-only instance)`,
      });
    return { groups, ungrouped };
  });

export const workerSettings = {
  /** Step workers per queue this instance serves; 0 makes a web-only instance that executes no step. */
  KEEL_WORKERS: z
    .string()
    .trim()
    .regex(/^\d+$/, "must be a whole number of workers (0 for a web-only instance)")
    .transform(Number)
    .pipe(z.number().max(64, "must be at most 64"))
    .default(4),
  KEEL_WORKER_GROUPS: workerGroups,
};

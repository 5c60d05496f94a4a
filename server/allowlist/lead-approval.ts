import { and, eq, inArray } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { runbookVersions, runs, runSteps } from "@/db/schema";
import { hasRole } from "@/lib/roles";

/**
 * True when an approval step before `stepId`, requiring a lead (or more), succeeded in this run.
 * allowlist.add checks it for broad ranges itself, so a runbook that forgot the approval step
 * cannot open a /8 to everyone.
 */
export async function leadApprovedBefore(db: Queryable, runId: string, stepId: string): Promise<boolean> {
  const [run] = await db
    .select({ definition: runbookVersions.definition })
    .from(runs)
    .innerJoin(runbookVersions, eq(runbookVersions.id, runs.runbookVersionId))
    .where(eq(runs.id, runId));
  if (!run) return false;
  const steps = run.definition.steps;
  const position = steps.findIndex((s) => s.id === stepId);
  const leadApprovals = steps
    .slice(0, Math.max(0, position))
    .filter((s) => s.kind === "approval" && hasRole(s.role, "lead"))
    .map((s) => s.id);
  if (leadApprovals.length === 0) return false;
  const succeeded = await db
    .select({ stepId: runSteps.stepId })
    .from(runSteps)
    .where(and(eq(runSteps.runId, runId), inArray(runSteps.stepId, leadApprovals), eq(runSteps.status, "succeeded")));
  return succeeded.length > 0;
}

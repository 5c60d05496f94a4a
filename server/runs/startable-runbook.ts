import "server-only";
import { eq } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { runbooks, runbookVersions } from "@/db/schema";

/** What the start form needs: the current version's inputs, locks and steps. Null when unknown. */
export async function getStartableRunbook(db: Queryable, runbookId: string) {
  const [runbook] = await db.select().from(runbooks).where(eq(runbooks.id, runbookId));
  if (!runbook?.currentVersionId) return null;
  const [version] = await db.select().from(runbookVersions).where(eq(runbookVersions.id, runbook.currentVersionId));
  const definition = version!.definition;
  return {
    id: runbook.id,
    title: runbook.title,
    summary: runbook.summary,
    risk: runbook.risk,
    versionNumber: version!.number,
    inputs: definition.inputs,
    locks: definition.locks,
    steps: definition.steps.map((step) => ({
      id: step.id,
      kind: step.kind,
      title: step.title,
      conditional: Boolean(step.when),
    })),
  };
}

export type StartableRunbook = NonNullable<Awaited<ReturnType<typeof getStartableRunbook>>>;

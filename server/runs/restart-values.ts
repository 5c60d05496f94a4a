import "server-only";
import { eq } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { runs, type RunStatus } from "@/db/schema";

export type RestartValues = {
  runId: string;
  runNumber: number;
  status: RunStatus;
  /** The earlier run's input values, as the form's fields hold them. */
  values: Record<string, string>;
  /** Inputs that were secret: their values are never carried over, so they are typed again. */
  secretsToRetype: string[];
  incidentId: string | null;
};

/**
 * What the start form is filled in with when a run is started again (after a refusal, say): the
 * earlier run's inputs, secrets left out. Null when the run is unknown or of another runbook.
 */
export async function restartValuesOf(db: Queryable, runId: string, runbookId: string): Promise<RestartValues | null> {
  const [row] = await db
    .select({
      number: runs.number,
      runbookId: runs.runbookId,
      status: runs.status,
      inputs: runs.inputs,
      incidentId: runs.incidentId,
    })
    .from(runs)
    .where(eq(runs.id, runId));
  if (!row || row.runbookId !== runbookId) return null;
  const values: Record<string, string> = {};
  const secretsToRetype: string[] = [];
  for (const [name, value] of Object.entries(row.inputs)) {
    if (typeof value === "object" && value !== null) secretsToRetype.push(name);
    else values[name] = String(value);
  }
  return { runId, runNumber: row.number, status: row.status, values, secretsToRetype, incidentId: row.incidentId };
}

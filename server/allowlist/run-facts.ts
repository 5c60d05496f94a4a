import { and, eq } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { runs, runSteps, users } from "@/db/schema";
import type { Actor } from "../audit/actor";

export type RunFacts = { runNumber: number; startedAt: Date; userId: string; actor: Actor };

/**
 * What an allowlist step records about who changed the allowlist: the person who asked to
 * execute the step (or, before anyone did, who started the run), and the run's number and start.
 */
export async function runFacts(db: Queryable, runId: string, stepId: string): Promise<RunFacts> {
  const [run] = await db
    .select({ number: runs.number, createdAt: runs.createdAt, startedBy: runs.startedBy })
    .from(runs)
    .where(eq(runs.id, runId));
  if (!run) throw new Error(`Run ${runId} does not exist.`);
  const [step] = await db
    .select({ actorUserId: runSteps.actorUserId })
    .from(runSteps)
    .where(and(eq(runSteps.runId, runId), eq(runSteps.stepId, stepId)));
  const userId = step?.actorUserId ?? run.startedBy;
  const [user] = await db.select({ email: users.email }).from(users).where(eq(users.id, userId));
  return {
    runNumber: run.number,
    startedAt: run.createdAt,
    userId,
    actor: { userId, label: user?.email ?? "unknown user", sessionId: null, request: {} },
  };
}

import { eq } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { runs } from "@/db/schema";

/** The run's version (bumped on every change), or null when there is no such run. */
export async function currentRunVersion(db: Queryable, runId: string): Promise<number | null> {
  const [row] = await db.select({ version: runs.version }).from(runs).where(eq(runs.id, runId));
  return row?.version ?? null;
}

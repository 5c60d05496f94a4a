import { inArray, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { runs } from "@/db/schema";
import { TERMINAL_RUN_STATUSES } from "../engine/machine/types";

/** How many runs are still going and how many have ended: what an empty Runs tab points to instead. */
export async function runCounts(db: Queryable): Promise<{ active: number; ended: number }> {
  const [row] = await db
    .select({
      total: sql<number>`count(*)`.mapWith(Number),
      ended: sql<number>`count(*) filter (where ${inArray(runs.status, [...TERMINAL_RUN_STATUSES])})`.mapWith(Number),
    })
    .from(runs);
  const total = row?.total ?? 0;
  const ended = row?.ended ?? 0;
  return { active: total - ended, ended };
}

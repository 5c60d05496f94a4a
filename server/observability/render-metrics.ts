import "server-only";
import { count } from "drizzle-orm";
import type { Database } from "@/db/client";
import { runs, runSteps } from "@/db/schema";
import { metrics } from "./metrics";

export type MetricsSources = { db: Database; queue: { depth(): Promise<number> } | null };

/**
 * The Prometheus text for a scrape. Counts of runs and steps are read from the database at scrape
 * time, so every instance reports the same totals however work was spread between them.
 */
export async function renderMetrics(sources: MetricsSources): Promise<{ contentType: string; body: string }> {
  const m = metrics();
  const [runCounts, stepCounts, depth] = await Promise.all([
    sources.db.select({ status: runs.status, n: count() }).from(runs).groupBy(runs.status),
    sources.db
      .select({ kind: runSteps.kind, status: runSteps.status, n: count() })
      .from(runSteps)
      .groupBy(runSteps.kind, runSteps.status),
    sources.queue ? sources.queue.depth() : Promise.resolve(null),
  ]);
  m.runs.reset();
  for (const row of runCounts) m.runs.set({ status: row.status }, row.n);
  m.steps.reset();
  for (const row of stepCounts) m.steps.set({ kind: row.kind, status: row.status }, row.n);
  if (depth !== null) m.queueDepth.set(depth);
  return { contentType: m.registry.contentType, body: await m.registry.metrics() };
}

import { desc, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { instances } from "@/db/schema";
import { GONE_AFTER_MS } from "./liveness";

const aliveSql = sql<boolean>`${instances.lastSeenAt} > now() - make_interval(secs => ${GONE_AFTER_MS / 1000})`;

/** Every instance that beat recently or not long ago, alive ones first, newest first. */
export async function listInstances(db: Queryable) {
  const rows = await db
    .select({
      id: instances.id,
      hostname: instances.hostname,
      pid: instances.pid,
      version: instances.version,
      workers: instances.workers,
      groups: instances.groups,
      ungrouped: instances.ungrouped,
      executing: instances.executing,
      startedAt: instances.startedAt,
      lastSeenAt: instances.lastSeenAt,
      alive: aliveSql,
    })
    .from(instances)
    .orderBy(desc(aliveSql), desc(instances.startedAt));
  return rows;
}

/** Whether a live instance executes the steps of `group` (null: steps on targets without one). */
export async function liveInstanceServes(db: Queryable, group: string | null): Promise<boolean> {
  const serves = group === null ? sql`${instances.ungrouped}` : sql`${group} = any(${instances.groups})`;
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(instances)
    .where(sql`${instances.workers} > 0 and ${serves} and ${aliveSql}`);
  return (row?.n ?? 0) > 0;
}

import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { runLocks, runs, users } from "@/db/schema";

export type LockHolder = { key: string; runId: string; runNumber: number; startedBy: string };

/**
 * Takes every lock of a run or none (keys in sorted order, so two runs never wait on each other).
 * Returns who holds the keys it could not take.
 */
export async function acquireLocks(db: Queryable, runId: string, keys: string[]): Promise<{ acquired: true } | { acquired: false; holders: LockHolder[] }> {
  const taken: string[] = [];
  for (const key of [...keys].sort()) {
    const inserted = await db.insert(runLocks).values({ key, runId }).onConflictDoNothing().returning({ key: runLocks.key });
    if (inserted.length > 0) {
      taken.push(key);
      continue;
    }
    const [holder] = await db.select({ runId: runLocks.runId }).from(runLocks).where(eq(runLocks.key, key));
    if (holder?.runId === runId) continue;
    if (taken.length > 0) await db.delete(runLocks).where(and(eq(runLocks.runId, runId), inArray(runLocks.key, taken)));
    return { acquired: false, holders: await holdersOf(db, keys, runId) };
  }
  return { acquired: true };
}

/** Who holds any of these keys, other than `exceptRunId`. */
export async function holdersOf(db: Queryable, keys: string[], exceptRunId?: string): Promise<LockHolder[]> {
  if (keys.length === 0) return [];
  const rows = await db
    .select({ key: runLocks.key, runId: runLocks.runId, runNumber: runs.number, startedBy: users.email })
    .from(runLocks)
    .innerJoin(runs, eq(runs.id, runLocks.runId))
    .innerJoin(users, eq(users.id, runs.startedBy))
    .where(inArray(runLocks.key, keys));
  return rows.filter((r) => r.runId !== exceptRunId);
}

/** Releases a finished run's locks; returns the keys it held. */
export async function releaseLocks(db: Queryable, runId: string): Promise<string[]> {
  const released = await db.delete(runLocks).where(eq(runLocks.runId, runId)).returning({ key: runLocks.key });
  return released.map((r) => r.key);
}

/** Runs waiting in the queue for any of these keys, oldest first. */
export async function runsWaitingFor(db: Queryable, keys: string[]) {
  if (keys.length === 0) return [];
  const wanted = sql`ARRAY[${sql.join(keys.map((key) => sql`${key}`), sql`, `)}]::text[]`;
  return db
    .select({ id: runs.id, lockKeys: runs.lockKeys })
    .from(runs)
    .where(and(eq(runs.status, "queued"), sql`${runs.lockKeys} && ${wanted}`))
    .orderBy(asc(runs.number));
}

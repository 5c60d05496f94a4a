import { and, asc, eq, inArray, lt, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { runLocks, runs, users } from "@/db/schema";
import { TERMINAL_RUN_STATUSES } from "./machine/types";

export type LockHolder = { key: string; runId: string; runNumber: number; startedBy: string };

/**
 * Takes every lock of a run or none (keys in sorted order, so two runs never wait on each other).
 * Returns who holds the keys it could not take.
 */
export async function acquireLocks(
  db: Queryable,
  runId: string,
  keys: string[],
): Promise<{ acquired: true } | { acquired: false; holders: LockHolder[] }> {
  const taken: string[] = [];
  for (const key of [...keys].sort()) {
    const inserted = await db
      .insert(runLocks)
      .values({ key, runId })
      .onConflictDoNothing()
      .returning({ key: runLocks.key });
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

/** Runs waiting in the queue for any of these keys, oldest first (all queued runs when `keys` is omitted). */
export async function runsWaitingFor(
  db: Queryable,
  keys?: string[],
): Promise<{ id: string; number: number; lockKeys: string[] }[]> {
  if (keys?.length === 0) return [];
  const overlapping = keys ? sql`${runs.lockKeys} && ${keyArray(keys)}` : undefined;
  return db
    .select({ id: runs.id, number: runs.number, lockKeys: runs.lockKeys })
    .from(runs)
    .where(and(eq(runs.status, "queued"), overlapping))
    .orderBy(asc(runs.number));
}

/** Whether a queued run older than run `number` waits for any of these keys: it goes first. */
export async function olderRunWaitsFor(db: Queryable, number: number, keys: string[]): Promise<boolean> {
  if (keys.length === 0) return false;
  const [older] = await db
    .select({ id: runs.id })
    .from(runs)
    .where(and(eq(runs.status, "queued"), lt(runs.number, number), sql`${runs.lockKeys} && ${keyArray(keys)}`))
    .limit(1);
  return Boolean(older);
}

/**
 * Releases the locks still held by runs that have ended: a lock outlives its run only when the
 * process ending it stopped before releasing (older versions released after the commit).
 */
export async function releaseLocksOfEndedRuns(db: Queryable): Promise<string[]> {
  const released = await db
    .delete(runLocks)
    .where(
      inArray(
        runLocks.runId,
        db
          .select({ id: runs.id })
          .from(runs)
          .where(inArray(runs.status, [...TERMINAL_RUN_STATUSES])),
      ),
    )
    .returning({ key: runLocks.key });
  return released.map((r) => r.key);
}

function keyArray(keys: string[]) {
  return sql`ARRAY[${sql.join(
    keys.map((key) => sql`${key}`),
    sql`, `,
  )}]::text[]`;
}

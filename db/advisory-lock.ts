import { sql } from "drizzle-orm";
import type { DatabaseHandle, Queryable } from "./client";

/** The in-process queue per lock name: PGlite is one connection, so its holders are this process's callers. */
const localTails = new Map<string, Promise<unknown>>();

/**
 * Runs `work` while holding the named lock, across every process sharing the database: a session
 * advisory lock on a connection of its own (PostgreSQL; a crashed holder's lock ends with its
 * connection), or an in-process queue (embedded PGlite, which only one process opens). For
 * steps that span several transactions or cannot run in one (CREATE DATABASE, pg-boss's setup).
 */
export async function withAdvisoryLock<T>(handle: DatabaseHandle, name: string, work: () => Promise<T>): Promise<T> {
  if (handle.raw.kind === "pglite") {
    const previous = localTails.get(name) ?? Promise.resolve();
    const result = previous.catch(() => undefined).then(work);
    const tail = result.catch(() => undefined);
    localTails.set(name, tail);
    void tail.then(() => {
      if (localTails.get(name) === tail) localTails.delete(name);
    });
    return result;
  }
  const client = await handle.raw.pool.connect();
  let locked = false;
  let healthy = true;
  try {
    await client.query("select pg_advisory_lock(hashtext($1))", [name]).catch((error: unknown) => {
      healthy = false;
      throw error;
    });
    locked = true;
    return await work();
  } finally {
    // A failed lock or unlock means a broken connection: destroy it, which ends the session and its lock.
    if (locked)
      healthy = await client.query("select pg_advisory_unlock(hashtext($1))", [name]).then(
        () => true,
        () => false,
      );
    client.release(!healthy);
  }
}

/** Takes the named lock until the surrounding transaction ends (both drivers). */
export async function lockForTransaction(tx: Queryable, name: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${name}))`);
}

import { randomUUID } from "node:crypto";
import os from "node:os";
import { eq, lt, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { instances, type ExecutingStep } from "@/db/schema";
import { version } from "../../package.json";
import { getLogger } from "../observability/logger";
import { FORGET_AFTER_MS, HEARTBEAT_MS } from "./liveness";

/** What an instance says about itself: how many workers, which worker groups. */
export type InstanceProfile = { workers: number; groups: string[]; ungrouped: boolean };

/**
 * Registers this process in `instances` and beats every few seconds with what it is executing;
 * deletes the rows of instances gone for a while. Returns the function that stops beating and
 * removes this instance's row (a clean stop is not a disappearance).
 */
export async function startInstanceHeartbeat(
  db: Database,
  profile: InstanceProfile,
  executing: () => ExecutingStep[],
  everyMs = HEARTBEAT_MS,
): Promise<{ id: string; stop(): Promise<void> }> {
  const id = randomUUID();
  const row = {
    id,
    hostname: os.hostname(),
    pid: process.pid,
    version,
    workers: profile.workers,
    groups: profile.groups,
    ungrouped: profile.workers > 0 && profile.ungrouped,
  };
  await db.insert(instances).values({ ...row, executing: executing() });
  let inFlight: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (inFlight) return;
    inFlight = beat(db, id, row, executing())
      .catch((error: unknown) => getLogger().warn({ err: error }, "instance heartbeat failed"))
      .finally(() => (inFlight = null));
  }, everyMs);
  timer.unref();
  return {
    id,
    async stop() {
      clearInterval(timer);
      // A beat still in flight would insert the row again after the delete below.
      await inFlight;
      await db
        .delete(instances)
        .where(eq(instances.id, id))
        .catch((error: unknown) => getLogger().warn({ err: error }, "could not remove this instance's row"));
    },
  };
}

async function beat(
  db: Database,
  id: string,
  row: typeof instances.$inferInsert,
  executing: ExecutingStep[],
): Promise<void> {
  // The database's clock, as every reader uses: instances' clocks may differ.
  await db
    .insert(instances)
    .values({ ...row, executing })
    .onConflictDoUpdate({ target: instances.id, set: { executing, lastSeenAt: sql`now()` } });
  await db
    .delete(instances)
    .where(lt(instances.lastSeenAt, sql`now() - make_interval(secs => ${FORGET_AFTER_MS / 1000})`));
}

import { and, eq, isNull } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { allowlistEntries, targets } from "@/db/schema";
import { appendAuditEvent } from "../audit/append";
import { systemActor } from "../audit/actor";
import { getLogger } from "../observability/logger";
import { expiredEntries, loadAllowlist } from "./entries";
import type { SinkContext } from "./sinks/sink";
import { startPeriodic } from "../engine/periodic";
import { getEnv } from "../config/env";

export type ExpirySweepResult = { expired: number; failed: number };

/** Whether this instance executes the work of a worker group (null: targets without one). */
export type ServesGroup = (group: string | null) => boolean;

async function allowlistWorkerGroup(db: Queryable, name: string): Promise<string | null> {
  const [row] = await db
    .select({ config: targets.config })
    .from(targets)
    .where(and(eq(targets.kind, "allowlist"), eq(targets.name, name)));
  return typeof row?.config.workerGroup === "string" ? row.config.workerGroup : null;
}

/**
 * Removes every expired entry from every sink of its allowlist, then marks it removed with an
 * `allowlist.expired` audit row. An entry whose sinks cannot all be reached stays as it is and is
 * tried again at the next sweep (the rate limiter already ignores it). Safe to run from several
 * instances at once: sink removals check the sink first, and only one sweep marks the row.
 */
export async function sweepExpiredAllowlistEntries(
  db: Queryable,
  now: Date = new Date(),
  serves: ServesGroup = () => true,
): Promise<ExpirySweepResult> {
  const log = getLogger().child({ job: "allowlist-expiry" });
  const context: SinkContext = { db, log: (line) => log.info(line), registerSecret: () => {} };
  let expired = 0;
  let failed = 0;
  for (const entry of await expiredEntries(db, now)) {
    try {
      // A sink local to a worker group's hosts (a file) is changed only from there, as its steps are.
      if (!serves(await allowlistWorkerGroup(db, entry.allowlist))) continue;
      const allowlist = await loadAllowlist(db, entry.allowlist);
      for (const sink of allowlist.sinks) await sink.remove(entry.id, context);
      const marked = await db.transaction(async (tx) => {
        const updated = await tx
          .update(allowlistEntries)
          .set({ removedAt: now, removalReason: "expired" })
          .where(and(eq(allowlistEntries.id, entry.id), isNull(allowlistEntries.removedAt)))
          .returning({ id: allowlistEntries.id });
        if (updated.length === 0) return false;
        await appendAuditEvent(tx, systemActor(), {
          eventType: "allowlist.expired",
          outcome: "success",
          entityType: "allowlist",
          entityId: entry.allowlist,
          meta: {
            entryId: entry.id,
            allowlist: entry.allowlist,
            cidr: entry.cidr,
            expiresAt: entry.expiresAt.toISOString(),
            runId: entry.createdByRunId,
            sinks: allowlist.sinks.map((s) => s.label),
          },
        });
        return true;
      });
      if (marked) expired++;
    } catch (error) {
      failed++;
      log.error(
        { err: error, entryId: entry.id, allowlist: entry.allowlist },
        "could not remove an expired allowlist entry; retrying at the next sweep",
      );
    }
  }
  return { expired, failed };
}

/** Sweeps now and then every minute (KEEL_ALLOWLIST_SWEEP_MS), the allowlists of the groups this instance serves; returns the stop function. */
export function startAllowlistExpirySweep(
  db: Queryable,
  serves: ServesGroup,
  everyMs = getEnv().KEEL_ALLOWLIST_SWEEP_MS,
): () => void {
  return startPeriodic(() => sweepExpiredAllowlistEntries(db, new Date(), serves), {
    everyMs,
    onError: (error) => getLogger().error({ err: error }, "allowlist expiry sweep failed"),
  });
}

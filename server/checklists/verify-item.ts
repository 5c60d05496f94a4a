import { and, eq, isNotNull, lt, notInArray, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { checklistCheckResults, checklistItems, checklists } from "@/db/schema";
import type { Actor } from "../audit/actor";
import { systemActor } from "../audit/actor";
import type { StepRegistry } from "../engine/registry";
import { AppError } from "../errors";
import { getLogger } from "../observability/logger";
import { assertMayWorkOn, requireItem, type Caller } from "./access";
import { auditItemChange } from "./items";
import { fillProbe, runProbe } from "./probes";

export type ItemCheckResult = { resultId: string; passed: boolean; summary: string; status: string };

/**
 * Runs an item's check or probe and keeps the result as its evidence (what was checked, what was
 * seen, the verdict, when). A pass makes the item done; a failure blocks it with what the check
 * saw, except a waived or not-applicable item, which keeps its status (the result is still kept).
 */
export async function runItemCheck(
  db: Database,
  registry: StepRegistry,
  by: Caller | null,
  itemId: string,
  now = new Date(),
): Promise<ItemCheckResult> {
  const item = await requireItem(db, itemId);
  if (by) assertMayWorkOn(by, item);
  if (!item.verify) throw AppError.field("itemId", `"${item.title}" has no check bound to it; a lead can bind one.`);
  const [checklist] = await db.select().from(checklists).where(eq(checklists.id, item.checklistId));
  const probe = fillProbe(item.verify, {
    service: checklist!.service,
    serviceUrl: checklist!.serviceUrl || "{{serviceUrl}}",
  });
  const outcome = await runProbe(probe, { db, registry, now, itemId: item.id });
  const actor: Actor = by?.actor ?? systemActor();

  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(checklistItems).where(eq(checklistItems.id, item.id)).for("update");
    const [result] = await tx
      .insert(checklistCheckResults)
      .values({
        itemId: item.id,
        probe,
        checked: outcome.checked,
        passed: outcome.passed,
        summary: outcome.summary,
        observed: outcome.observed,
        ranById: by?.actor.userId ?? null,
        ranAt: now,
      })
      .returning({ id: checklistCheckResults.id });
    const keepsStatus = current!.status === "waived" || current!.status === "not_applicable";
    const status = keepsStatus ? current!.status : outcome.passed ? "done" : "blocked";
    const reason =
      outcome.passed || keepsStatus ? (keepsStatus ? current!.statusReason : null) : `Check failed: ${outcome.summary}`;
    await tx
      .update(checklistItems)
      .set({
        status,
        statusReason: reason,
        evidence: { kind: "check", resultId: result!.id },
        lastCheckedAt: now,
        lastCheckResultId: result!.id,
        ...(outcome.passed && !keepsStatus ? { confirmedAt: now } : {}),
        updatedAt: now,
      })
      .where(eq(checklistItems.id, item.id));
    const changes: Record<string, { from: unknown; to: unknown }> = {
      check: { from: null, to: outcome.passed ? "passed" : "failed" },
    };
    if (status !== current!.status) changes.status = { from: current!.status, to: status };
    await auditItemChange(tx, actor, current!, "checklist.check_ran", changes, {
      resultId: result!.id,
      checked: outcome.checked,
      passed: outcome.passed,
      summary: outcome.summary.slice(0, 500),
      scheduled: by === null,
    });
    return { resultId: result!.id, passed: outcome.passed, summary: outcome.summary, status };
  });
}

/** Automated items whose last result is older than their re-confirmation period, for the sweep. */
export async function staleAutomatedItems(db: Database, now: Date): Promise<string[]> {
  const rows = await db
    .select({ id: checklistItems.id })
    .from(checklistItems)
    .where(
      and(
        isNotNull(checklistItems.verify),
        isNotNull(checklistItems.reconfirmEveryDays),
        isNotNull(checklistItems.lastCheckedAt),
        notInArray(checklistItems.status, ["waived", "not_applicable"]),
        lt(sql`${checklistItems.lastCheckedAt} + make_interval(days => ${checklistItems.reconfirmEveryDays})`, now),
      ),
    );
  return rows.map((row) => row.id);
}

/** Re-runs every stale automated item (as the system); one failure does not stop the others. */
export async function rerunStaleChecks(
  db: Database,
  registry: StepRegistry,
  now = new Date(),
): Promise<{ ran: number; failed: number }> {
  let ran = 0;
  let failed = 0;
  for (const id of await staleAutomatedItems(db, now)) {
    try {
      await runItemCheck(db, registry, null, id, now);
      ran++;
    } catch (error) {
      failed++;
      getLogger().error(
        { err: error, itemId: id },
        "re-running a checklist item's check failed; retrying at the next sweep",
      );
    }
  }
  return { ran, failed };
}

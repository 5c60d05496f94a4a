import type { Queryable } from "@/db/client";
import { appendAuditEvent } from "../audit/append";
import type { Actor } from "../audit/actor";
import { AppError } from "../errors";
import { formatDateTime } from "@/lib/format/time";
import { listTargetViews } from "../targets/admin";
import { demoState, removeDemoEnvironment } from "./environment";
import { DEMO_PARTS } from "./parts";
import type { DemoSite } from "./site";

/** The demo environment as the admin panel shows it: present or removed, when, and the targets it made. */
export async function demoStatus(db: Queryable) {
  const state = await demoState({ db });
  const targets = (await listTargetViews(db)).filter((target) => target.source === "demo");
  return { state, parts: DEMO_PARTS.map((part) => part.name), targets };
}

/**
 * An admin removes the demo environment. The intent is audited before anything is touched
 * (DESIGN invariant 1); a part that fails to tear down is audited too, and removing again is
 * safe because each part undoes only what is still there.
 */
export async function removeDemo(site: DemoSite, actor: Actor): Promise<{ removed: true; targetsRemoved: number }> {
  const state = await demoState(site.handle);
  if (!state) throw new AppError("NOT_FOUND", "This installation has no demo environment (it was never created here).");
  if (state.status === "removed")
    throw new AppError(
      "CONFLICT",
      `The demo environment was already removed on ${formatDateTime(state.removedAt)} by ${state.by}.`,
    );
  const { targets } = await demoStatus(site.handle.db);
  await appendAuditEvent(site.handle.db, actor, {
    eventType: "demo.remove_requested",
    outcome: "intent",
    entityType: "demo",
    entityId: "demo",
    meta: { parts: state.parts, targets: targets.map((t) => `${t.kind}:${t.name}`), root: site.root },
  });
  try {
    await removeDemoEnvironment({ ...site, actor });
  } catch (error) {
    site.log.error({ err: error }, "removing the demo environment failed");
    await appendAuditEvent(site.handle.db, actor, {
      eventType: "demo.remove_failed",
      outcome: "failure",
      entityType: "demo",
      entityId: "demo",
      meta: { reason: reasonOf(error) },
    });
    throw new AppError(
      "INTERNAL_SERVER_ERROR",
      `Removing the demo environment stopped part-way: ${reasonOf(error)}. Nothing else was removed after that point; removing again is safe.`,
    );
  }
  return { removed: true, targetsRemoved: targets.length };
}

function reasonOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 300);
}

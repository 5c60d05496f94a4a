import type { Queryable } from "@/db/client";
import { appendAuditEvent } from "../audit/append";
import type { Actor } from "../audit/actor";

/** A refused attempt to change an allowlist leaves its own audit row, naming the field and why. */
export async function recordRefusal(
  db: Queryable,
  actor: Actor,
  eventType: "allowlist.add_refused" | "allowlist.remove_refused",
  allowlist: string,
  meta: Record<string, unknown>,
): Promise<void> {
  await appendAuditEvent(db, actor, {
    eventType,
    outcome: "refused",
    entityType: "allowlist",
    entityId: allowlist,
    meta: { allowlist, ...meta },
  });
}

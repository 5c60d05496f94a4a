import { and, desc, eq, or } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { auditEvents } from "@/db/schema";

const listedColumns = {
  seq: auditEvents.seq,
  eventType: auditEvents.eventType,
  actorLabel: auditEvents.actorLabel,
  entityType: auditEvents.entityType,
  entityId: auditEvents.entityId,
  outcome: auditEvents.outcome,
  eventMeta: auditEvents.eventMeta,
  ip: auditEvents.requestMeta,
  createdAt: auditEvents.createdAt,
};

/** The newest events a user caused or that concern their account, newest first. */
export async function listActivityOfUser(db: Queryable, userId: string, limit = 20) {
  const rows = await db
    .select(listedColumns)
    .from(auditEvents)
    .where(
      or(
        eq(auditEvents.actorUserId, userId),
        and(eq(auditEvents.entityType, "user"), eq(auditEvents.entityId, userId)),
      ),
    )
    .orderBy(desc(auditEvents.seq))
    .limit(limit);
  return rows.map(({ ip, ...row }) => ({ ...row, ip: ip.ip ?? null }));
}

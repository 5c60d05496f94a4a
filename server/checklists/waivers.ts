import { and, eq, lte } from "drizzle-orm";
import type { z } from "zod";
import type { Database, Queryable } from "@/db/client";
import { checklistItems, checklistNotices, checklistWaivers, users } from "@/db/schema";
import { isCalendarDate } from "@/lib/checklists/dates";
import type { RequestWaiverInput, waiverRef } from "@/lib/checklists/inputs";
import { systemActor } from "../audit/actor";
import { AppError } from "../errors";
import { getLogger } from "../observability/logger";
import { assertLead, requireItem, type Caller } from "./access";
import { auditItemChange } from "./items";

/** A calendar date means the end of that day (UTC). */
function expiryOf(value: string): Date {
  return isCalendarDate(value) ? new Date(`${value}T23:59:59.999Z`) : new Date(value);
}

/** Anyone responder and up asks for an item to be waived until a date, with a reason; a lead other than them decides. */
export async function requestWaiver(
  db: Queryable,
  caller: Caller,
  input: RequestWaiverInput,
  now = new Date(),
): Promise<{ id: string }> {
  const expiresAt = expiryOf(input.expiresAt);
  if (expiresAt.getTime() <= now.getTime())
    throw AppError.field("expiresAt", "The expiry date of the waiver must be in the future.");
  return db.transaction(async (tx) => {
    const item = await requireItem(tx, input.itemId);
    if (item.status === "done" || item.status === "not_applicable" || item.status === "waived") {
      throw AppError.field(
        "itemId",
        `"${item.title}" is ${item.status.replace("_", " ")}; only open items can be waived.`,
        "CONFLICT",
      );
    }
    const [pending] = await tx
      .select({ id: checklistWaivers.id })
      .from(checklistWaivers)
      .where(and(eq(checklistWaivers.itemId, item.id), eq(checklistWaivers.status, "requested")));
    if (pending) throw AppError.field("itemId", `"${item.title}" already has a waiver waiting for a lead.`, "CONFLICT");
    const [waiver] = await tx
      .insert(checklistWaivers)
      .values({ itemId: item.id, reason: input.reason, expiresAt, requestedById: caller.actor.userId, createdAt: now })
      .returning({ id: checklistWaivers.id });
    await auditItemChange(
      tx,
      caller.actor,
      item,
      "checklist.waiver_requested",
      { waiver: { from: null, to: "requested" } },
      { waiverId: waiver!.id, reason: input.reason, expiresAt: expiresAt.toISOString() },
    );
    return { id: waiver!.id };
  });
}

async function requireRequested(tx: Queryable, waiverId: string) {
  const [waiver] = await tx.select().from(checklistWaivers).where(eq(checklistWaivers.id, waiverId)).for("update");
  if (!waiver) throw AppError.field("waiverId", "There is no waiver with this id.", "NOT_FOUND");
  if (waiver.status !== "requested")
    throw AppError.field("waiverId", `This waiver was already ${waiver.status}.`, "CONFLICT");
  return waiver;
}

/** A lead other than the requester approves: the item is waived until the waiver expires. */
export async function approveWaiver(
  db: Queryable,
  caller: Caller,
  input: z.infer<typeof waiverRef>,
  now = new Date(),
): Promise<{ approved: true }> {
  assertLead(caller, "approve a waiver");
  return db.transaction(async (tx) => {
    const waiver = await requireRequested(tx, input.waiverId);
    if (waiver.requestedById === caller.actor.userId)
      throw AppError.field("waiverId", "You requested this waiver; another lead must approve it.", "FORBIDDEN");
    if (waiver.expiresAt.getTime() <= now.getTime())
      throw AppError.field("waiverId", "This waiver's expiry has already passed; request a new one.", "CONFLICT");
    const item = await requireItem(tx, waiver.itemId);
    await tx
      .update(checklistWaivers)
      .set({ status: "approved", decidedById: caller.actor.userId, decidedAt: now })
      .where(eq(checklistWaivers.id, waiver.id));
    await tx
      .update(checklistItems)
      .set({ status: "waived", statusReason: null, updatedAt: now })
      .where(eq(checklistItems.id, item.id));
    await auditItemChange(
      tx,
      caller.actor,
      item,
      "checklist.waiver_approved",
      { status: { from: item.status, to: "waived" }, waiver: { from: "requested", to: "approved" } },
      { waiverId: waiver.id, expiresAt: waiver.expiresAt.toISOString() },
    );
    return { approved: true };
  });
}

export async function rejectWaiver(
  db: Queryable,
  caller: Caller,
  input: z.infer<typeof waiverRef>,
  now = new Date(),
): Promise<{ rejected: true }> {
  assertLead(caller, "reject a waiver");
  return db.transaction(async (tx) => {
    const waiver = await requireRequested(tx, input.waiverId);
    const item = await requireItem(tx, waiver.itemId);
    await tx
      .update(checklistWaivers)
      .set({ status: "rejected", decidedById: caller.actor.userId, decidedAt: now })
      .where(eq(checklistWaivers.id, waiver.id));
    await auditItemChange(
      tx,
      caller.actor,
      item,
      "checklist.waiver_rejected",
      { waiver: { from: "requested", to: "rejected" } },
      { waiverId: waiver.id },
    );
    return { rejected: true };
  });
}

/**
 * Approved waivers whose expiry has passed: the waiver expires, a still-waived item reopens (to
 * do) and its owner (or, unassigned, the requester) gets an in-app notice. One transaction each;
 * safe to run from several instances (the status check guards the update).
 */
export async function expireWaivers(db: Database, now = new Date()): Promise<{ expired: number }> {
  const due = await db
    .select({ id: checklistWaivers.id })
    .from(checklistWaivers)
    .where(and(eq(checklistWaivers.status, "approved"), lte(checklistWaivers.expiresAt, now)));
  let expired = 0;
  for (const { id } of due) {
    try {
      const done = await db.transaction(async (tx) => {
        const [waiver] = await tx
          .update(checklistWaivers)
          .set({ status: "expired" })
          .where(and(eq(checklistWaivers.id, id), eq(checklistWaivers.status, "approved")))
          .returning();
        if (!waiver) return false;
        const item = await requireItem(tx, waiver.itemId);
        const reopened = item.status === "waived";
        if (reopened) {
          await tx
            .update(checklistItems)
            .set({
              status: "todo",
              statusReason: `The waiver expired on ${waiver.expiresAt.toISOString()}.`,
              updatedAt: now,
            })
            .where(eq(checklistItems.id, item.id));
        }
        const recipient = item.ownerId ?? waiver.requestedById;
        const [person] = await tx.select({ email: users.email }).from(users).where(eq(users.id, recipient));
        await tx.insert(checklistNotices).values({
          userId: recipient,
          checklistId: item.checklistId,
          itemId: item.id,
          message: reopened
            ? `The waiver of "${item.title}" expired; the item is open again (to do).`
            : `The waiver of "${item.title}" expired.`,
          createdAt: now,
        });
        await auditItemChange(
          tx,
          systemActor(),
          item,
          "checklist.waiver_expired",
          {
            waiver: { from: "approved", to: "expired" },
            ...(reopened ? { status: { from: "waived", to: "todo" } } : {}),
          },
          { waiverId: waiver.id, notified: person?.email ?? null },
        );
        return true;
      });
      if (done) expired++;
    } catch (error) {
      getLogger().error({ err: error, waiverId: id }, "expiring a checklist waiver failed; retrying at the next sweep");
    }
  }
  return { expired };
}

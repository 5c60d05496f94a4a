import { eq } from "drizzle-orm";
import type { z } from "zod";
import type { Queryable } from "@/db/client";
import { checklistComments, checklistItems, runs, type ChecklistItem, type ItemEvidence } from "@/db/schema";
import { todayUtc } from "@/lib/checklists/dates";
import type {
  assignItemsInput,
  bindCheckInput,
  commentInput,
  EvidenceInput,
  setDueDateInput,
  setItemsStatusInput,
  UpdateItemInput,
} from "@/lib/checklists/inputs";
import { describeProbe } from "@/lib/checklists/probes";
import type { ItemStatus } from "@/lib/checklists/readiness";
import { hasRole } from "@/lib/roles";
import { appendAuditEvent } from "../audit/append";
import type { Actor } from "../audit/actor";
import { AppError } from "../errors";
import { itemsOf } from "./checklists";
import {
  assertLead,
  assertMayWorkOn,
  emailOf,
  requireChecklist,
  requireItem,
  requireOwner,
  type Caller,
} from "./access";

type Change = { from: unknown; to: unknown };

/**
 * One audit row per item change, on the checklist (the history view reads them): what changed,
 * from what, to what.
 */
export async function auditItemChange(
  tx: Queryable,
  actor: Actor,
  item: Pick<ChecklistItem, "id" | "checklistId" | "title" | "section">,
  eventType: string,
  changes: Record<string, Change>,
  extra: Record<string, unknown> = {},
) {
  await appendAuditEvent(tx, actor, {
    eventType,
    outcome: "success",
    entityType: "checklist",
    entityId: item.checklistId,
    meta: { itemId: item.id, item: item.title, section: item.section, changes, ...extra },
  });
}

/** The row of an item added to a checklist after it was made (not from its template): every field it starts with, from nothing. */
export async function auditItemAdded(
  tx: Queryable,
  actor: Actor,
  item: ChecklistItem,
  ownerEmail: string | null,
  extra: Record<string, unknown> = {},
) {
  const changes: Record<string, Change> = {
    title: { from: null, to: item.title },
    section: { from: null, to: item.section },
    priority: { from: null, to: item.priority },
    owner: { from: null, to: ownerEmail },
    dueDate: { from: null, to: item.dueDate },
    status: { from: null, to: item.status },
  };
  await auditItemChange(tx, actor, item, "checklist.item_added", changes, {
    before: null,
    ownerId: item.ownerId,
    ...extra,
  });
}

function statusFields(status: ItemStatus, reason: string | null, now: Date): Partial<ChecklistItem> {
  return { status, statusReason: reason, ...(status === "done" ? { confirmedAt: now } : {}) };
}

async function resolveEvidence(db: Queryable, evidence: EvidenceInput): Promise<ItemEvidence> {
  if (evidence.kind !== "run") return evidence;
  const ref = evidence.run.replace(/^#|^run\s+/i, "").trim();
  const byNumber = /^\d{1,12}$/.test(ref);
  const byId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref);
  if (!byNumber && !byId) throw AppError.field("evidence.run", "Give the evidence run's number (e.g. 42) or its id.");
  const [run] = await db
    .select({ id: runs.id, number: runs.number })
    .from(runs)
    .where(byNumber ? eq(runs.number, Number(ref)) : eq(runs.id, ref));
  if (!run) throw AppError.field("evidence.run", `There is no run ${evidence.run} to give as evidence.`);
  return { kind: "run", runId: run.id, runNumber: run.number };
}

/** A person's update of one item: status (not "waived": that takes an approved waiver), reason, evidence. */
export async function updateItem(
  db: Queryable,
  caller: Caller,
  input: UpdateItemInput,
  now = new Date(),
): Promise<{ changed: boolean }> {
  return db.transaction(async (tx) => {
    const item = await requireItem(tx, input.itemId);
    assertMayWorkOn(caller, item);
    if (input.status === "not_applicable" && !hasRole(caller.role, "lead"))
      throw AppError.field("status", "Only a lead can mark an item not applicable.", "FORBIDDEN");
    const changes: Record<string, Change> = {};
    const set: Partial<ChecklistItem> = {};
    if (input.status !== undefined) {
      // Setting "done" on a done item confirms it again (a stale item counts again).
      if (input.status !== item.status) changes.status = { from: item.status, to: input.status };
      else if (input.status === "done")
        changes.confirmed = { from: item.confirmedAt?.toISOString() ?? null, to: now.toISOString() };
      if (changes.status || changes.confirmed) {
        const reason = input.reason || null;
        Object.assign(set, statusFields(input.status, reason, now));
        if (reason !== item.statusReason) changes.reason = { from: item.statusReason, to: reason };
      }
    } else if (input.reason !== undefined && (input.reason || null) !== item.statusReason) {
      changes.reason = { from: item.statusReason, to: input.reason || null };
      set.statusReason = input.reason || null;
    }
    if (input.evidence) {
      const evidence = await resolveEvidence(tx, input.evidence);
      changes.evidence = { from: item.evidence, to: evidence };
      set.evidence = evidence;
    }
    if (Object.keys(changes).length === 0) return { changed: false };
    await tx
      .update(checklistItems)
      .set({ ...set, updatedAt: now })
      .where(eq(checklistItems.id, item.id));
    await auditItemChange(tx, caller.actor, item, "checklist.item_updated", changes);
    return { changed: true };
  });
}

/** A lead sets the status of several items at once (closing the rest of a section, or marking them not applicable). */
export async function setItemsStatus(
  db: Queryable,
  caller: Caller,
  input: z.infer<typeof setItemsStatusInput>,
  now = new Date(),
): Promise<{ changed: number }> {
  assertLead(caller, "change several items at once");
  return db.transaction(async (tx) => {
    await requireChecklist(tx, input.checklistId);
    const items = await itemsOf(tx, input.checklistId, input.itemIds);
    let changed = 0;
    for (const item of items) {
      if (item.status === input.status && input.status !== "done") continue;
      await tx
        .update(checklistItems)
        .set({ ...statusFields(input.status, input.reason ?? null, now), updatedAt: now })
        .where(eq(checklistItems.id, item.id));
      await auditItemChange(
        tx,
        caller.actor,
        item,
        "checklist.item_updated",
        { status: { from: item.status, to: input.status } },
        { bulk: true },
      );
      changed++;
    }
    return { changed };
  });
}

/** Bulk assignment (or unassignment) of items to one person. */
export async function assignItems(
  db: Queryable,
  caller: Caller,
  input: z.infer<typeof assignItemsInput>,
  now = new Date(),
): Promise<{ changed: number }> {
  assertLead(caller, "assign items");
  return db.transaction(async (tx) => {
    await requireChecklist(tx, input.checklistId);
    const owner = input.ownerId === null ? null : await requireOwner(tx, input.ownerId, "ownerId");
    const items = await itemsOf(tx, input.checklistId, input.itemIds);
    let changed = 0;
    for (const item of items) {
      if (item.ownerId === (owner?.id ?? null)) continue;
      await tx
        .update(checklistItems)
        .set({ ownerId: owner?.id ?? null, updatedAt: now })
        .where(eq(checklistItems.id, item.id));
      await auditItemChange(
        tx,
        caller.actor,
        item,
        "checklist.item_assigned",
        { owner: { from: await emailOf(tx, item.ownerId), to: owner?.email ?? null } },
        { ownerId: owner?.id ?? null },
      );
      changed++;
    }
    return { changed };
  });
}

/** A lead moves one item's due date by hand; it then stays put when the launch date moves. */
export async function setDueDate(
  db: Queryable,
  caller: Caller,
  input: z.infer<typeof setDueDateInput>,
  now = new Date(),
): Promise<{ changed: boolean }> {
  assertLead(caller, "change a due date");
  return db.transaction(async (tx) => {
    const item = await requireItem(tx, input.itemId);
    const checklist = await requireChecklist(tx, item.checklistId);
    const created = todayUtc(checklist.createdAt);
    if (input.dueDate < created)
      throw AppError.field(
        "dueDate",
        `The due date ${input.dueDate} is before the checklist was created (${created}).`,
      );
    if (input.dueDate === item.dueDate && item.dueDateOverridden) return { changed: false };
    await tx
      .update(checklistItems)
      .set({ dueDate: input.dueDate, dueDateOverridden: true, updatedAt: now })
      .where(eq(checklistItems.id, item.id));
    await auditItemChange(tx, caller.actor, item, "checklist.item_updated", {
      dueDate: { from: item.dueDate, to: input.dueDate },
    });
    return { changed: true };
  });
}

export async function addComment(
  db: Queryable,
  caller: Caller,
  input: z.infer<typeof commentInput>,
  now = new Date(),
): Promise<{ id: string }> {
  return db.transaction(async (tx) => {
    const item = await requireItem(tx, input.itemId);
    const [comment] = await tx
      .insert(checklistComments)
      .values({ itemId: item.id, authorId: caller.actor.userId, body: input.body, createdAt: now })
      .returning({ id: checklistComments.id });
    await auditItemChange(
      tx,
      caller.actor,
      item,
      "checklist.item_commented",
      { comment: { from: null, to: input.body.slice(0, 500) } },
      { commentId: comment!.id },
    );
    return { id: comment!.id };
  });
}

/** A lead binds an item to a check or probe (or unbinds it), and how often it must be confirmed again. */
export async function bindCheck(
  db: Queryable,
  caller: Caller,
  input: z.infer<typeof bindCheckInput>,
  now = new Date(),
): Promise<{ changed: boolean }> {
  assertLead(caller, "bind a check to an item");
  return db.transaction(async (tx) => {
    const item = await requireItem(tx, input.itemId);
    const changes: Record<string, Change> = {};
    const set: Partial<ChecklistItem> = {};
    if (JSON.stringify(input.verify) !== JSON.stringify(item.verify)) {
      changes.verify = {
        from: item.verify ? describeProbe(item.verify) : null,
        to: input.verify ? describeProbe(input.verify) : null,
      };
      set.verify = input.verify;
    }
    if (input.reconfirmEveryDays !== undefined && input.reconfirmEveryDays !== item.reconfirmEveryDays) {
      changes.reconfirmEveryDays = { from: item.reconfirmEveryDays, to: input.reconfirmEveryDays };
      set.reconfirmEveryDays = input.reconfirmEveryDays;
    }
    if (Object.keys(changes).length === 0) return { changed: false };
    await tx
      .update(checklistItems)
      .set({ ...set, updatedAt: now })
      .where(eq(checklistItems.id, item.id));
    await auditItemChange(tx, caller.actor, item, "checklist.check_bound", changes);
    return { changed: true };
  });
}

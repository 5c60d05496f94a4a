import { and, eq, inArray } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { checklistItems, checklists, checklistTemplates, checklistTemplateVersions } from "@/db/schema";
import { addDays, todayUtc } from "@/lib/checklists/dates";
import type { CreateChecklistInput } from "@/lib/checklists/inputs";
import { itemDueOffset } from "@/lib/checklists/template";
import type { z } from "zod";
import type { updateChecklistInput } from "@/lib/checklists/inputs";
import { appendAuditEvent } from "../audit/append";
import { AppError } from "../errors";
import { assertLead, emailOf, requireChecklist, requireOwner, type Caller } from "./access";

/**
 * A new checklist from a template's current version: every item of every section, each due at
 * the launch date plus its priority's offset. The launch date cannot be before today (the day
 * the checklist is created).
 */
export async function createChecklist(
  db: Queryable,
  caller: Caller,
  input: CreateChecklistInput,
  now = new Date(),
): Promise<{ id: string; number: number }> {
  assertLead(caller, "create a checklist");
  if (input.launchDate < todayUtc(now))
    throw AppError.field(
      "launchDate",
      `The launch date ${input.launchDate} is before today (${todayUtc(now)}); choose the day the launch is planned.`,
    );
  return db.transaction(async (tx) => {
    const [template] = await tx.select().from(checklistTemplates).where(eq(checklistTemplates.id, input.templateId));
    if (!template?.currentVersionId)
      throw AppError.field(
        "templateId",
        `There is no checklist template "${input.templateId}"; choose one from the list.`,
      );
    const owner = await requireOwner(tx, input.ownerId, "ownerId");
    const [version] = await tx
      .select()
      .from(checklistTemplateVersions)
      .where(eq(checklistTemplateVersions.id, template.currentVersionId));
    const definition = version!.definition;
    const [checklist] = await tx
      .insert(checklists)
      .values({
        name: input.name,
        service: input.service,
        serviceUrl: input.serviceUrl.replace(/\/+$/, ""),
        launchDate: input.launchDate,
        ownerId: owner.id,
        templateVersionId: version!.id,
        createdById: caller.actor.userId,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    let position = 0;
    const rows = definition.sections.flatMap((section) =>
      section.items.map((item) => {
        const offset = itemDueOffset(definition, section, item);
        return {
          checklistId: checklist!.id,
          key: item.id,
          position: position++,
          section: section.title,
          title: item.title,
          description: item.description ?? null,
          priority: item.priority ?? section.priority,
          dueOffsetDays: offset,
          dueDate: addDays(input.launchDate, offset),
          verify: item.verify ?? null,
          reconfirmEveryDays: item.reconfirmEveryDays ?? null,
          updatedAt: now,
        };
      }),
    );
    await tx.insert(checklistItems).values(rows);
    await appendAuditEvent(tx, caller.actor, {
      eventType: "checklist.created",
      outcome: "success",
      entityType: "checklist",
      entityId: checklist!.id,
      meta: {
        name: input.name,
        service: input.service,
        launchDate: input.launchDate,
        owner: owner.email,
        template: template.id,
        templateVersion: version!.number,
        items: rows.length,
      },
    });
    return { id: checklist!.id, number: checklist!.number };
  });
}

/** Name, owner, service URL or launch date; a new launch date moves every due date that follows it. */
export async function updateChecklist(
  db: Queryable,
  caller: Caller,
  input: z.infer<typeof updateChecklistInput>,
  now = new Date(),
): Promise<{ movedDueDates: number }> {
  assertLead(caller, "change a checklist");
  return db.transaction(async (tx) => {
    const checklist = await requireChecklist(tx, input.checklistId);
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const set: Partial<typeof checklists.$inferInsert> = {};
    if (input.name !== undefined && input.name !== checklist.name) {
      changes.name = { from: checklist.name, to: input.name };
      set.name = input.name;
    }
    if (input.serviceUrl !== undefined && input.serviceUrl.replace(/\/+$/, "") !== checklist.serviceUrl) {
      changes.serviceUrl = { from: checklist.serviceUrl, to: input.serviceUrl.replace(/\/+$/, "") };
      set.serviceUrl = input.serviceUrl.replace(/\/+$/, "");
    }
    if (input.ownerId !== undefined && input.ownerId !== checklist.ownerId) {
      const owner = await requireOwner(tx, input.ownerId, "ownerId");
      changes.owner = { from: await emailOf(tx, checklist.ownerId), to: owner.email };
      set.ownerId = owner.id;
    }
    let moved = 0;
    if (input.launchDate !== undefined && input.launchDate !== checklist.launchDate) {
      const created = todayUtc(checklist.createdAt);
      if (input.launchDate < created)
        throw AppError.field(
          "launchDate",
          `The launch date ${input.launchDate} is before the checklist was created (${created}).`,
        );
      changes.launchDate = { from: checklist.launchDate, to: input.launchDate };
      set.launchDate = input.launchDate;
      const items = await tx
        .select({ id: checklistItems.id, dueOffsetDays: checklistItems.dueOffsetDays })
        .from(checklistItems)
        .where(and(eq(checklistItems.checklistId, checklist.id), eq(checklistItems.dueDateOverridden, false)));
      for (const item of items) {
        await tx
          .update(checklistItems)
          .set({ dueDate: addDays(input.launchDate, item.dueOffsetDays) })
          .where(eq(checklistItems.id, item.id));
      }
      moved = items.length;
    }
    if (Object.keys(changes).length === 0) return { movedDueDates: 0 };
    await tx
      .update(checklists)
      .set({ ...set, updatedAt: now })
      .where(eq(checklists.id, checklist.id));
    await appendAuditEvent(tx, caller.actor, {
      eventType: "checklist.updated",
      outcome: "success",
      entityType: "checklist",
      entityId: checklist.id,
      meta: { changes, ...(moved > 0 ? { movedDueDates: moved } : {}) },
    });
    return { movedDueDates: moved };
  });
}

/** The items of one checklist among `itemIds`, or an error naming the field when any is not. */
export async function itemsOf(db: Queryable, checklistId: string, itemIds: string[]) {
  const unique = [...new Set(itemIds)];
  const rows = await db
    .select()
    .from(checklistItems)
    .where(and(eq(checklistItems.checklistId, checklistId), inArray(checklistItems.id, unique)));
  if (rows.length !== unique.length) throw AppError.field("itemIds", "Some of these items are not on this checklist.");
  return rows;
}

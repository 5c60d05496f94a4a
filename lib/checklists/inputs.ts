import { z } from "zod";
import { isCalendarDate } from "./dates";
import { probeDefinition } from "./probes";
import { ITEM_STATUSES } from "./readiness";

/** Input schemas of the checklists procedures, shared by the router and the forms. */

const id = z.uuid({ message: "must be an id" });
const calendarDate = z.string().refine(isCalendarDate, "use a date such as 2026-12-15");

export const createChecklistInput = z.object({
  templateId: z.string().trim().min(1, "choose a template").max(100),
  name: z.string().trim().min(1, "give the checklist a name").max(200),
  service: z.string().trim().min(1, "name the service or launch").max(200),
  /** Filled into probes that use {{serviceUrl}} (the service's public URL). */
  serviceUrl: z
    .string()
    .trim()
    .max(2000)
    .refine((v) => v === "" || /^https?:\/\/[^\s]+$/.test(v), "use an http:// or https:// URL")
    .default(""),
  launchDate: calendarDate,
  ownerId: id,
});
export type CreateChecklistInput = z.infer<typeof createChecklistInput>;

export const checklistRef = z.object({ checklistId: id });

export const updateChecklistInput = z.object({
  checklistId: id,
  name: z.string().trim().min(1, "give the checklist a name").max(200).optional(),
  launchDate: calendarDate.optional(),
  ownerId: id.optional(),
  serviceUrl: z
    .string()
    .trim()
    .max(2000)
    .refine((v) => v === "" || /^https?:\/\/[^\s]+$/.test(v), "use an http:// or https:// URL")
    .optional(),
});

export const itemFilterInput = z.object({
  checklistId: id,
  /** A user id, or "unassigned". */
  owner: z.union([id, z.literal("unassigned")]).optional(),
  section: z.string().max(200).optional(),
  status: z.enum(ITEM_STATUSES).optional(),
});

export const evidenceInput = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("link"),
    url: z
      .string()
      .trim()
      .max(2000)
      .regex(/^https?:\/\/[^\s]+$/, "use an http:// or https:// link"),
  }),
  z.object({ kind: z.literal("note"), note: z.string().trim().min(1, "write the note").max(4000) }),
  /** A run of Keel: its id, or its number. */
  z.object({ kind: z.literal("run"), run: z.string().trim().min(1, "give the run's id or number").max(100) }),
]);
export type EvidenceInput = z.infer<typeof evidenceInput>;

/** Statuses a person sets directly; "waived" only comes from an approved waiver. */
export const SETTABLE_STATUSES = ["todo", "in_progress", "done", "blocked", "not_applicable"] as const;

export const updateItemInput = z.object({
  itemId: id,
  status: z
    .enum(SETTABLE_STATUSES, {
      message: "choose to do, in progress, done, blocked or not applicable (waived comes from an approved waiver)",
    })
    .optional(),
  /** Why it is blocked or not applicable. */
  reason: z.string().trim().max(2000).optional(),
  evidence: evidenceInput.optional(),
});
export type UpdateItemInput = z.infer<typeof updateItemInput>;

export const setItemsStatusInput = z.object({
  checklistId: id,
  itemIds: z.array(id).min(1, "choose at least one item").max(100),
  status: z.enum(SETTABLE_STATUSES),
  reason: z.string().trim().max(2000).optional(),
});

export const setDueDateInput = z.object({ itemId: id, dueDate: calendarDate });

export const assignItemsInput = z.object({
  checklistId: id,
  itemIds: z.array(id).min(1, "choose at least one item").max(100),
  /** null: unassign. */
  ownerId: id.nullable(),
});

export const commentInput = z.object({ itemId: id, body: z.string().trim().min(1, "write the comment").max(4000) });

export const bindCheckInput = z.object({
  itemId: id,
  /** null: the item is confirmed by a person again. */
  verify: probeDefinition.nullable(),
  reconfirmEveryDays: z.number().int().min(1).max(3650).nullable().optional(),
});

export const itemRef = z.object({ itemId: id });

export const requestWaiverInput = z.object({
  itemId: id,
  reason: z
    .string({ message: "give the reason for the waiver" })
    .trim()
    .min(1, "give the reason for the waiver")
    .max(2000),
  /** ISO date and time, or a calendar date (the end of that day, UTC). */
  expiresAt: z
    .string({ message: "give the date the waiver expires" })
    .trim()
    .min(1, "give the date the waiver expires")
    .refine((v) => isCalendarDate(v) || !Number.isNaN(Date.parse(v)), "use a date such as 2026-12-31"),
});
export type RequestWaiverInput = z.infer<typeof requestWaiverInput>;

export const waiverRef = z.object({ waiverId: id });
export const noticeRef = z.object({ noticeId: id });

import { z } from "zod";
import { addDays, daysBetween } from "./dates";
import { probeDefinition } from "./probes";

/**
 * The checklist template file format (`runbooks/checklists/*.yaml`): one zod schema, used by
 * `npm run runbooks:check`, by the loader at start and by the tests that hold the shipped
 * templates to the seed guides.
 *
 * Priorities and due dates. Each item has a priority; its due date is the checklist's launch
 * date plus the priority's offset in days (negative: before launch), unless the section or the
 * item sets `dueOffsetDays` itself. The defaults come from the seed guides' wording
 * (seed 004 "Pre-Production Checklist"):
 *
 * | priority | seed wording                          | due                      |
 * |----------|---------------------------------------|--------------------------|
 * | critical | "Must Fix Before Production"          | 7 days before launch     |
 * | high     | "Fix Within 72 Hours"                 | 3 days (72 h) before launch |
 * | medium   | "Fix Within 1 Week"                   | 7 days after launch      |
 * | low      | nice to have ("Month 1", seed 002)    | 30 days after launch     |
 *
 * A template may change these offsets for all its items with `dueRules`.
 */

export const PRIORITIES = ["critical", "high", "medium", "low"] as const;
export type Priority = (typeof PRIORITIES)[number];

export const DEFAULT_DUE_RULES: Record<Priority, number> = { critical: -7, high: -3, medium: 7, low: 30 };

const identifier = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, "use lower-case letters, digits and -, starting with a letter");
const offsetDays = z.number().int().min(-365, "must be at least -365 days").max(365, "must be at most 365 days");
const priority = z.enum(PRIORITIES);

export const templateItem = z.strictObject({
  /** Stable within the template: instances keep it, so a new template version can be compared. */
  id: identifier,
  title: z.string().trim().min(1).max(300),
  description: z.string().max(4000).optional(),
  /** Defaults to the section's priority. */
  priority: priority.optional(),
  dueOffsetDays: offsetDays.optional(),
  /** A check or probe that verifies this item by itself. */
  verify: probeDefinition.optional(),
  /** Done stops counting after this many days: the item shows as stale until confirmed again. */
  reconfirmEveryDays: z.number().int().min(1).max(3650).optional(),
  /** The seed guide's own words for what this item covers, when they differ from the title. */
  covers: z.array(z.string().min(1).max(300)).max(20).default([]),
});

export const templateSection = z.strictObject({
  id: identifier,
  title: z.string().trim().min(1).max(200),
  priority,
  dueOffsetDays: offsetDays.optional(),
  items: z.array(templateItem).min(1).max(200),
});

export const checklistTemplateDefinition = z.strictObject({
  id: identifier,
  title: z.string().trim().min(1).max(200),
  summary: z.string().trim().min(1).max(2000),
  /** Where the items come from (a seed guide, a team's review). */
  source: z.string().max(500).optional(),
  dueRules: z
    .strictObject({ critical: offsetDays, high: offsetDays, medium: offsetDays, low: offsetDays })
    .partial()
    .optional(),
  sections: z.array(templateSection).min(1).max(50),
});

export type ChecklistTemplateDefinition = z.infer<typeof checklistTemplateDefinition>;
export type TemplateItem = z.infer<typeof templateItem>;
export type TemplateSection = z.infer<typeof templateSection>;

/** The offset (days from launch) an item is due at, by its own, its section's or its priority's rule. */
export function itemDueOffset(
  template: ChecklistTemplateDefinition,
  section: TemplateSection,
  item: TemplateItem,
): number {
  if (item.dueOffsetDays !== undefined) return item.dueOffsetDays;
  if (section.dueOffsetDays !== undefined && item.priority === undefined) return section.dueOffsetDays;
  const p = item.priority ?? section.priority;
  return template.dueRules?.[p] ?? DEFAULT_DUE_RULES[p];
}

/** The section items added after a checklist was made from an incident's follow-ups go in (not part of any template). */
export const FOLLOW_UP_SECTION = "Incident follow-ups";

/**
 * The due date of an item added to a checklist later (an incident follow-up), by the same
 * priority rule as template items: the launch date plus the priority's offset (the template's
 * `dueRules`, else the defaults above). An item is never born overdue:
 * - launch today or later: launch + offset, but not before today (a rule that falls before
 *   today, e.g. "3 days before launch" two days before it, makes the item due today);
 * - launch already past: the priority's window counted from today instead (critical 7 days,
 *   high 3 days, medium 7 days, low 30 days, by the defaults).
 * The offset returned is from the launch date, so the item moves with it like the others.
 */
export function addedItemDue(
  template: Pick<ChecklistTemplateDefinition, "dueRules">,
  priority: Priority,
  launchDate: string,
  today: string,
): { dueDate: string; dueOffsetDays: number } {
  const offset = template.dueRules?.[priority] ?? DEFAULT_DUE_RULES[priority];
  let dueDate: string;
  if (launchDate >= today) {
    const byRule = addDays(launchDate, offset);
    dueDate = byRule < today ? today : byRule;
  } else {
    dueDate = addDays(today, Math.abs(offset));
  }
  return { dueDate, dueOffsetDays: daysBetween(launchDate, dueDate) };
}

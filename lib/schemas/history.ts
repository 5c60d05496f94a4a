import { z } from "zod";
import { AUDIT_OUTCOMES } from "@/lib/audit/outcomes";

const optionalText = (max: number, message: string) =>
  z
    .string()
    .trim()
    .max(max, message)
    .optional()
    .transform((v) => (v === "" ? undefined : v));

const instant = (which: string) =>
  z
    .union([
      z.iso.datetime({
        offset: true,
        message: `Use a date and time for the ${which} of the range, e.g. 2026-12-01T09:30:00Z`,
      }),
      z.literal(""),
    ])
    .optional()
    .transform((v) => (v === "" ? undefined : v));

/**
 * What the History viewer and its export filter on. Every field is optional; empty strings
 * (an untouched form field, an empty query parameter) mean "not filtered".
 */
export const historyFiltersInput = z
  .object({
    /** Who acted, as recorded: an email, or "system". */
    actor: optionalText(320, "Use at most 320 characters for the actor"),
    /** An exact event type (run.started), or a prefix ending in * (step.*). */
    eventType: z
      .string()
      .trim()
      .max(100, "Use at most 100 characters for the event type")
      .regex(/^([a-z0-9_.]+\*?)?$/, "Use an event type such as run.started, or a prefix such as step.*")
      .optional()
      .transform((v) => (v === "" ? undefined : v)),
    entityType: z
      .string()
      .trim()
      .max(40, "Use at most 40 characters for the entity type")
      .regex(/^([a-z0-9_-]+)?$/, "Use an entity type such as run, user or secret")
      .optional()
      .transform((v) => (v === "" ? undefined : v)),
    entityId: optionalText(200, "Use at most 200 characters for the entity id"),
    outcome: z
      .enum([...AUDIT_OUTCOMES, ""], { message: `Choose an outcome: ${AUDIT_OUTCOMES.join(", ")}` })
      .optional()
      .transform((v) => (v === "" ? undefined : v)),
    from: instant("start"),
    to: instant("end"),
    /** Words searched in event type, actor, entity and details (each word matches as a prefix). */
    q: optionalText(200, "Use at most 200 characters for the search").refine(
      (v) => v === undefined || /[\p{L}\p{N}]/u.test(v.replace(/['\\:&|!()<>*]/g, "")),
      "Search for at least one word with a letter or digit",
    ),
  })
  .superRefine((f, ctx) => {
    if (f.from && f.to && Date.parse(f.to) <= Date.parse(f.from)) {
      ctx.addIssue({ code: "custom", path: ["to"], message: "The end of the time range must be after its start" });
    }
    if (f.entityId && !f.entityType) {
      ctx.addIssue({
        code: "custom",
        path: ["entityType"],
        message: "Choose the entity type too (run, user, secret…)",
      });
    }
  });

export type HistoryFilters = Partial<z.output<typeof historyFiltersInput>>;

export const HISTORY_PAGE_SIZE = 50;

const cursor = z.string().max(600, "This page link is not valid").nullish();

export const listHistoryInput = z.object({
  filters: historyFiltersInput.prefault({}),
  cursor,
  limit: z.number().int().min(1).max(200).default(HISTORY_PAGE_SIZE),
});

export const entityTimelineInput = z.object({
  entityType: z
    .string()
    .trim()
    .min(1, "Choose the entity type")
    .max(40)
    .regex(/^[a-z0-9_-]+$/, "Use an entity type such as run, user or secret"),
  entityId: z.string().trim().min(1, "Give the entity id").max(200, "Use at most 200 characters for the entity id"),
  cursor,
  limit: z.number().int().min(1).max(200).default(HISTORY_PAGE_SIZE),
});

export const EXPORT_FORMATS = ["ndjson", "csv"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const exportFormatInput = z.enum(EXPORT_FORMATS, { message: "Choose a format: ndjson or csv" });

/** The filters as query parameters (the export link and the page's address). */
export function filtersToSearchParams(filters: HistoryFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters))
    if (value !== undefined && value !== "") params.set(key, String(value));
  return params;
}

export const HISTORY_FILTER_KEYS = [
  "actor",
  "eventType",
  "entityType",
  "entityId",
  "outcome",
  "from",
  "to",
  "q",
] as const;

/** A browser's datetime-local value ("2026-12-01T09:30") is read as UTC, as the page says. */
export function normalizeInstant(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return `${value}:00Z`;
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?$/.test(value) ? `${value}Z` : value;
}

/** For a datetime-local field: the UTC instant without its zone, to the minute. */
export function toDateTimeLocal(value: string | undefined): string {
  if (!value) return "";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString().slice(0, 16);
}

/** The raw filters from query parameters (unvalidated; parse them with historyFiltersInput). */
export function filtersFromSearchParams(read: (key: string) => string | null | undefined): Record<string, string> {
  const raw: Record<string, string> = {};
  for (const key of HISTORY_FILTER_KEYS) {
    const value = read(key);
    if (typeof value === "string" && value !== "")
      raw[key] = key === "from" || key === "to" ? normalizeInstant(value) : value;
  }
  return raw;
}

/** history.chainStatus: `full` walks the whole chain now instead of answering from the last check. */
export const chainStatusInput = z.object({ full: z.boolean().default(false) }).default({ full: false });

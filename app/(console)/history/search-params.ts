import { filtersFromSearchParams, historyFiltersInput, type HistoryFilters } from "@/lib/schemas/history";
import { fieldErrorsOf } from "@/lib/validation/field-errors";

export type PageSearchParams = Record<string, string | string[] | undefined>;

export function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The page's filters from its address: valid ones, or the raw values with an error per field. */
export function readFilters(params: PageSearchParams): {
  raw: Record<string, string>;
  filters: HistoryFilters | null;
  errors: Record<string, string>;
} {
  const raw = filtersFromSearchParams((key) => first(params[key]));
  const parsed = historyFiltersInput.safeParse(raw);
  return parsed.success
    ? { raw, filters: parsed.data, errors: {} }
    : { raw, filters: null, errors: fieldErrorsOf(parsed.error) };
}

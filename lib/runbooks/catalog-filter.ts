import type { RunbookDefinition } from "./definition";

export type CatalogEntry = {
  id: string;
  title: string;
  summary: string;
  risk: RunbookDefinition["risk"];
  services: string[];
  tags: string[];
};

export type CatalogFilter = { text: string; service: string; tag: string; risk: string };

export const NO_FILTER: CatalogFilter = { text: "", service: "", tag: "", risk: "" };

/**
 * The runbooks matching every filter. Text matches when each word appears somewhere in the
 * title, summary, id, services or tags, so "rollback checkout" finds "Roll back a deploy" of the
 * checkout service only if both words are there.
 */
export function filterCatalog<T extends CatalogEntry>(entries: T[], filter: CatalogFilter): T[] {
  const words = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  return entries.filter((entry) => {
    if (filter.service && !entry.services.includes(filter.service)) return false;
    if (filter.tag && !entry.tags.includes(filter.tag)) return false;
    if (filter.risk && entry.risk !== filter.risk) return false;
    const haystack = [entry.title, entry.summary, entry.id, ...entry.services, ...entry.tags].join(" ").toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}

/** Every distinct value of a field across the catalog, sorted, for the filter menus. */
export function catalogValues(entries: CatalogEntry[], field: "services" | "tags"): string[] {
  return [...new Set(entries.flatMap((entry) => entry[field]))].sort((a, b) => a.localeCompare(b));
}

export function isFiltered(filter: CatalogFilter): boolean {
  return Object.values(filter).some((value) => value.trim() !== "");
}

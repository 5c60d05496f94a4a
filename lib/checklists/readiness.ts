import type { Priority } from "./template";

export const ITEM_STATUSES = ["todo", "in_progress", "done", "blocked", "waived", "not_applicable"] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export const STATUS_LABELS: Record<ItemStatus, string> = {
  todo: "To do",
  in_progress: "In progress",
  done: "Done",
  blocked: "Blocked",
  waived: "Waived",
  not_applicable: "Not applicable",
};

export type ReadinessItem = {
  id: string;
  title: string;
  section: string;
  priority: Priority;
  status: ItemStatus;
  /** "YYYY-MM-DD" */
  dueDate: string;
  reconfirmEveryDays: number | null;
  /** When the item last became (or was confirmed) done. */
  confirmedAt: Date | string | null;
};

const DAY_MS = 86_400_000;

/** Done, but its confirmation is older than the template asks: it no longer counts until confirmed again. */
export function isStale(item: ReadinessItem, now: Date): boolean {
  if (item.status !== "done" || item.reconfirmEveryDays === null || item.confirmedAt === null) return false;
  return new Date(item.confirmedAt).getTime() + item.reconfirmEveryDays * DAY_MS < now.getTime();
}

/** Nothing left to do for the launch: done (and not stale), waived, or not applicable. */
export function isClosed(item: ReadinessItem, now: Date): boolean {
  if (item.status === "waived" || item.status === "not_applicable") return true;
  return item.status === "done" && !isStale(item, now);
}

export function isOverdue(item: ReadinessItem, now: Date): boolean {
  return !isClosed(item, now) && item.dueDate < now.toISOString().slice(0, 10);
}

export type Progress = { closed: number; total: number };
export type Gate = { ready: boolean; label: string; openCritical: { id: string; title: string; section: string }[] };

export function progressOf(items: ReadinessItem[], now: Date): Progress {
  return { closed: items.filter((item) => isClosed(item, now)).length, total: items.length };
}

/** The launch can go when no critical item is open. */
export function gateOf(items: ReadinessItem[], now: Date): Gate {
  const openCritical = items
    .filter((item) => item.priority === "critical" && !isClosed(item, now))
    .map(({ id, title, section }) => ({ id, title, section }));
  if (openCritical.length === 0) return { ready: true, label: "Ready", openCritical };
  return {
    ready: false,
    label: `Not ready: ${openCritical.length} critical ${openCritical.length === 1 ? "item" : "items"} open`,
    openCritical,
  };
}

export function sectionProgress(
  items: ReadinessItem[],
  now: Date,
): { section: string; closed: number; total: number }[] {
  const order: string[] = [];
  const bySection = new Map<string, ReadinessItem[]>();
  for (const item of items) {
    if (!bySection.has(item.section)) {
      order.push(item.section);
      bySection.set(item.section, []);
    }
    bySection.get(item.section)!.push(item);
  }
  return order.map((section) => ({ section, ...progressOf(bySection.get(section)!, now) }));
}

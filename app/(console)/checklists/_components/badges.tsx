import { STATUS_LABELS, type ItemStatus } from "@/lib/checklists/readiness";
import type { Priority } from "@/lib/checklists/template";

const PRIORITY_TONE: Record<Priority, string> = { critical: "danger", high: "warn", medium: "info", low: "muted" };
const STATUS_TONE: Record<ItemStatus, string> = {
  todo: "muted",
  in_progress: "info",
  done: "ok",
  blocked: "danger",
  waived: "warn",
  not_applicable: "muted",
};

export function PriorityBadge({ priority }: { priority: Priority }) {
  return <span className={`badge ${PRIORITY_TONE[priority]}`}>{priority}</span>;
}

export function ItemStatusBadge({ status, stale }: { status: ItemStatus; stale?: boolean }) {
  return (
    <>
      <span className={`badge ${STATUS_TONE[status]}`} data-testid="item-status">
        {STATUS_LABELS[status]}
      </span>
      {stale ? <span className="badge warn">stale: confirm again</span> : null}
    </>
  );
}

/** "Ready" or "Not ready: 3 critical items open". */
export function GateBadge({ ready, label }: { ready: boolean; label: string }) {
  return <span className={`badge ${ready ? "ok" : "danger"}`}>{label}</span>;
}

export function ProgressBar({ closed, total, label }: { closed: number; total: number; label: string }) {
  return (
    <span className="progress-line">
      <progress className="progress-bar" value={closed} max={Math.max(total, 1)} aria-label={label} />
      <span className="small muted">
        {closed} of {total}
      </span>
    </span>
  );
}

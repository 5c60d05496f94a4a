import type { RunbookDefinition } from "@/lib/runbooks/definition";
import { RISK_LABELS } from "@/lib/runbooks/describe";

const RISK_TONE = { low: "ok", medium: "warn", high: "danger" } as const;

export function RiskBadge({ risk }: { risk: RunbookDefinition["risk"] }) {
  return <span className={`badge ${RISK_TONE[risk]}`}>{RISK_LABELS[risk]}</span>;
}

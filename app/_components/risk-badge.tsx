const RISK_CLASS = { low: "ok", medium: "warn", high: "danger" } as const;

export function RiskBadge({ risk }: { risk: "low" | "medium" | "high" }) {
  return <span className={`badge ${RISK_CLASS[risk]}`}>{risk} risk</span>;
}

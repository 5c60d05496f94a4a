import Link from "next/link";
import { formatDateTime } from "@/lib/format/time";
import type { RunbookDefinition } from "@/lib/runbooks/definition";
import { Labels } from "./labels";
import { RiskBadge } from "@/app/_components/risk-badge";

export type RunbookSummary = {
  id: string;
  title: string;
  summary: string;
  risk: RunbookDefinition["risk"];
  services: string[];
  tags: string[];
  version: number;
  loadedAt: string | Date;
};

export function RunbookCard({ runbook }: { runbook: RunbookSummary }) {
  return (
    <li className="runbook-card" data-testid={`runbook-card-${runbook.id}`}>
      <div className="runbook-card-head">
        <h2>
          <Link prefetch={false} href={`/runbooks/${encodeURIComponent(runbook.id)}`}>{runbook.title}</Link>
        </h2>
        <RiskBadge risk={runbook.risk} />
      </div>
      <p className="runbook-card-summary">{runbook.summary}</p>
      <Labels services={runbook.services} tags={runbook.tags} />
      <div className="muted small">
        <span className="mono">{runbook.id}</span> · version {runbook.version} · loaded{" "}
        {formatDateTime(runbook.loadedAt)}
      </div>
    </li>
  );
}

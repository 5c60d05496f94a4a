"use client";

import Link from "next/link";
import { useState } from "react";
import { RiskBadge } from "@/app/_components/risk-badge";
import { RunStatusBadge } from "@/app/_components/status-badge";
import { formatDateTime } from "@/lib/format/time";
import type { Role } from "@/lib/roles";
import type { RunView } from "@/lib/trpc/outputs";
import { AbortPanel } from "./abort-panel";

export function RunHeader({ run, live, viewer }: { run: RunView; live: boolean; viewer: { id: string; role: Role } }) {
  const [aborting, setAborting] = useState(false);
  return (
    <>
      <div className="page-header">
        <div>
          <p className="small">
            <Link prefetch={false} href="/runs">
              ← Runs
            </Link>
            {run.incident ? (
              <>
                {" · "}
                <Link prefetch={false} href={`/incidents/${run.incident.id}`} data-testid="run-incident-link">
                  Inside incident {run.incident.number}: {run.incident.title}
                </Link>
              </>
            ) : null}
          </p>
          <h1>
            Run {run.number}: {run.runbook.title}
          </h1>
          <p className="row">
            <RunStatusBadge status={run.status} />
            <RiskBadge risk={run.runbook.risk} />
            <span className="small muted">
              started by {run.startedBy?.id === viewer.id ? "you" : (run.startedBy?.email ?? "unknown")} ·{" "}
              {formatDateTime(run.createdAt)} ·{" "}
              <Link prefetch={false} href={`/runbooks/${run.runbook.id}`}>
                version {run.runbook.versionNumber}
              </Link>
            </span>
            <span className={`live-dot ${live ? "on" : "off"}`} data-testid="live-indicator">
              {live ? "Live" : "Reconnecting…"}
            </span>
          </p>
        </div>
        {run.can.abort && !aborting ? (
          <button className="button secondary" type="button" onClick={() => setAborting(true)}>
            Abort run…
          </button>
        ) : null}
      </div>
      {aborting ? <AbortPanel run={run} onClose={() => setAborting(false)} /> : null}
    </>
  );
}

import type { DatabaseHandle } from "@/db/client";
import { checkHealth } from "./check-health";
import { isDraining } from "./drain-state";

export type ProbeAnswer = { status: number; body: Record<string, unknown> };

/** Liveness: the process answers. Never depends on the database, so a restart is not asked for when PostgreSQL is what ails. */
export function livenessAnswer(): ProbeAnswer {
  return { status: 200, body: { status: isDraining() ? "draining" : "alive", checkedAt: new Date().toISOString() } };
}

/**
 * Readiness: send this instance traffic. 503 as soon as it drains (SIGTERM), so a load balancer
 * stops sending before it goes; otherwise the health check's verdict.
 */
export async function readinessAnswer(deps: {
  handle: () => Promise<DatabaseHandle>;
  queue: { depth(): Promise<number> } | null;
}): Promise<ProbeAnswer> {
  if (isDraining()) return { status: 503, body: { status: "draining", checkedAt: new Date().toISOString() } };
  const report = await checkHealth(deps);
  return {
    status: report.ok ? 200 : 503,
    body: { status: report.ok ? "ready" : "failing", failed: report.failed, checkedAt: new Date().toISOString() },
  };
}

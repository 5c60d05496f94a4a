import { getDatabaseHandle } from "@/server/db";
import { runningEngine } from "@/server/engine/instance";
import { checkHealth } from "@/server/health/check-health";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** For load balancers and uptime checks: no session needed, nothing secret in the answer. */
export async function GET(): Promise<Response> {
  const report = await checkHealth({ handle: getDatabaseHandle, queue: runningEngine()?.queue ?? null });
  return Response.json(
    {
      status: report.ok ? "ok" : "failing",
      failed: report.failed,
      parts: report.parts,
      checkedAt: new Date().toISOString(),
    },
    { status: report.ok ? 200 : 503, headers: { "cache-control": "no-store" } },
  );
}

import { getDatabaseHandle } from "@/server/db";
import { runningEngine } from "@/server/engine/instance";
import { readinessAnswer } from "@/server/health/probes";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** Readiness for a load balancer: 503 while the instance drains or a part of it fails. No session needed, nothing secret. */
export async function GET(): Promise<Response> {
  const answer = await readinessAnswer({ handle: getDatabaseHandle, queue: runningEngine()?.queue ?? null });
  return Response.json(answer.body, { status: answer.status, headers: { "cache-control": "no-store" } });
}

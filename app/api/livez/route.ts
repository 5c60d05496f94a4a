import { livenessAnswer } from "@/server/health/probes";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** Liveness for an orchestrator: 200 while the process answers, draining included. No session needed, nothing secret. */
export function GET(): Response {
  const answer = livenessAnswer();
  return Response.json(answer.body, { status: answer.status, headers: { "cache-control": "no-store" } });
}

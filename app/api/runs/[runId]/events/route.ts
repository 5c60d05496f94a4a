import { getCurrentSession } from "@/server/auth/current-session";
import { getDb } from "@/server/db";
import { getLiveHub } from "@/server/live/hub";
import { runEventsResponse } from "@/server/live/run-events-response";

export const dynamic = "force-dynamic";
// Holds a stream open for as long as the page is: Node.js, not the edge runtime.
export const runtime = "nodejs";

type RouteContext = { params: Promise<{ runId: string }> };

export async function GET(req: Request, context: RouteContext): Promise<Response> {
  return runEventsResponse(req, await context.params, { session: getCurrentSession, hub: getLiveHub, db: getDb });
}

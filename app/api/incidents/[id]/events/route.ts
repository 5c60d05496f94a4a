import { getCurrentSession } from "@/server/auth/current-session";
import { getDb } from "@/server/db";
import { getLiveHub } from "@/server/live/hub";
import { incidentEventsResponse } from "@/server/live/incident-events-response";

export const dynamic = "force-dynamic";
// Holds a stream open for as long as the page is: Node.js, not the edge runtime.
export const runtime = "nodejs";

type RouteContext = { params: Promise<{ id: string }> };

export async function GET(req: Request, context: RouteContext): Promise<Response> {
  return incidentEventsResponse(req, await context.params, { session: getCurrentSession, hub: getLiveHub, db: getDb });
}

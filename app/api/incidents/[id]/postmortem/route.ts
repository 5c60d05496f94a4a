import { getCurrentSession } from "@/server/auth/current-session";
import { getDb } from "@/server/db";
import { postmortemResponse } from "@/server/incidents/postmortem-response";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

type RouteContext = { params: Promise<{ id: string }> };

/** The incident's postmortem draft as a Markdown file (audited as incident.postmortem_exported). */
export async function GET(req: Request, context: RouteContext): Promise<Response> {
  return postmortemResponse(req, await context.params, { session: getCurrentSession, db: getDb });
}

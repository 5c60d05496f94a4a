import "server-only";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db/client";
import { incidents, runs } from "@/db/schema";
import { AppError } from "../errors";
import { errorResponse } from "../http/error-response";
import { getLogger } from "../observability/logger";
import { createIncidentEventStream, type IncidentState } from "./incident-event-stream";
import { EVENT_STREAM_HEADERS, type RunEventsDependencies } from "./run-events-response";

const incidentEventsParams = z.object({ id: z.uuid() });

async function currentIncidentState(db: Database, incidentId: string): Promise<IncidentState | null> {
  const [incident] = await db
    .select({ version: incidents.version })
    .from(incidents)
    .where(eq(incidents.id, incidentId));
  if (!incident) return null;
  const attached = await db.select({ id: runs.id }).from(runs).where(eq(runs.incidentId, incidentId));
  return { version: incident.version, runIds: attached.map((r) => r.id) };
}

/**
 * `GET /api/incidents/:id/events`: the incident's live stream for any signed-in user (viewers
 * read incidents), or an error in Keel's envelope, checked like the run stream.
 */
export async function incidentEventsResponse(
  request: Request,
  params: unknown,
  dependencies: RunEventsDependencies,
): Promise<Response> {
  const requestId = request.headers.get("x-request-id") ?? "unknown";
  try {
    const session = await dependencies.session();
    if (!session) throw new AppError("UNAUTHORIZED", "Sign in to continue.");
    if (session.user.mustChangePassword)
      throw new AppError("FORBIDDEN", "Choose a new password before doing anything else.");
    const parsed = incidentEventsParams.safeParse(params);
    if (!parsed.success) throw AppError.field("id", "Use the id of an incident (a UUID).");
    const incidentId = parsed.data.id;
    const [hub, db] = await Promise.all([dependencies.hub(), dependencies.db()]);
    const stream = createIncidentEventStream({
      hub,
      incidentId,
      currentState: () => currentIncidentState(db, incidentId),
      signal: request.signal,
    });
    return new Response(stream, { headers: EVENT_STREAM_HEADERS });
  } catch (error) {
    if (!(error instanceof AppError))
      getLogger().error({ requestId, err: error }, "opening an incident event stream failed");
    return errorResponse(error, requestId);
  }
}

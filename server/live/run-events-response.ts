import "server-only";
import { z } from "zod";
import type { Database } from "@/db/client";
import type { ResolvedSession } from "../auth/sessions";
import { AppError } from "../errors";
import { errorResponse } from "../http/error-response";
import { getLogger } from "../observability/logger";
import type { LiveHub } from "./hub";
import { createRunEventStream } from "./run-event-stream";
import { currentRunVersion } from "./run-version";

/** What the route handler takes from the request scope; tests pass their own. */
export type RunEventsDependencies = {
  session: () => Promise<ResolvedSession | null>;
  hub: () => Promise<LiveHub>;
  db: () => Promise<Database>;
};

export const EVENT_STREAM_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  // no-transform keeps compressing proxies (and Next's own compression) from buffering the stream.
  "cache-control": "no-store, no-transform",
  // nginx buffers responses unless told not to.
  "x-accel-buffering": "no",
  connection: "keep-alive",
} as const;

const runEventsParams = z.object({ runId: z.uuid("Use the id of a run (a UUID).") });

/** The run id from the route, or a 400 that names the field. */
export function parseRunEventsParams(params: unknown): { runId: string } {
  const parsed = runEventsParams.safeParse(params);
  if (!parsed.success) throw AppError.field("runId", "Use the id of a run (a UUID).");
  return parsed.data;
}

/**
 * `GET /api/runs/:runId/events`: the run's live event stream for any signed-in user, or an
 * error in Keel's envelope. Whether the run exists is said on the stream (`gone`), so that a
 * page left open on a deleted run stops reconnecting.
 */
export async function runEventsResponse(
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
    const { runId } = parseRunEventsParams(params);
    const [hub, db] = await Promise.all([dependencies.hub(), dependencies.db()]);
    const stream = createRunEventStream({
      hub,
      runId,
      currentVersion: () => currentRunVersion(db, runId),
      lastEventId: request.headers.get("last-event-id"),
      signal: request.signal,
    });
    return new Response(stream, { headers: EVENT_STREAM_HEADERS });
  } catch (error) {
    if (!(error instanceof AppError)) getLogger().error({ requestId, err: error }, "opening a run event stream failed");
    return errorResponse(error, requestId);
  }
}

import "server-only";
import { z } from "zod";
import type { Database } from "@/db/client";
import type { ResolvedSession } from "../auth/sessions";
import { actorOf, requestInfoFromHeaders } from "../context";
import { AppError } from "../errors";
import { errorResponse } from "../http/error-response";
import { getLogger } from "../observability/logger";
import { exportPostmortem } from "./postmortem";

export type PostmortemDependencies = { session: () => Promise<ResolvedSession | null>; db: () => Promise<Database> };

const params = z.object({ id: z.uuid() });

/**
 * `GET /api/incidents/:id/postmortem`: the postmortem draft as a Markdown download, for any
 * signed-in user (viewers read incidents). Every download is an audit event.
 */
export async function postmortemResponse(
  request: Request,
  routeParams: unknown,
  dependencies: PostmortemDependencies,
): Promise<Response> {
  const info = requestInfoFromHeaders(request.headers);
  try {
    const session = await dependencies.session();
    if (!session) throw new AppError("UNAUTHORIZED", "Sign in to continue.");
    if (session.user.mustChangePassword)
      throw new AppError("FORBIDDEN", "Choose a new password before doing anything else.");
    const parsed = params.safeParse(routeParams);
    if (!parsed.success) throw AppError.field("id", "Use the id of an incident (a UUID).");
    const draft = await exportPostmortem(await dependencies.db(), actorOf(session, info), parsed.data.id);
    return new Response(draft.markdown, {
      headers: {
        "content-type": "text/markdown; charset=utf-8",
        "content-disposition": `attachment; filename="${draft.fileName}"`,
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    if (!(error instanceof AppError))
      getLogger().error({ requestId: info.requestId, err: error }, "exporting a postmortem failed");
    return errorResponse(error, info.requestId);
  }
}

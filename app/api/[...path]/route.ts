import { AppError } from "@/server/errors";
import { errorResponse } from "@/server/http/error-response";

export const dynamic = "force-dynamic";

/** Unknown API paths answer in the error envelope, not with an HTML page. */
function notFound(req: Request): Response {
  const requestId = req.headers.get("x-request-id") ?? "unknown";
  return errorResponse(new AppError("NOT_FOUND", `There is no API at ${new URL(req.url).pathname}.`), requestId);
}

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };

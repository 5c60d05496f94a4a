import "server-only";
import { toErrorEnvelope } from "./error-response";
import { trpcShapeOf, type KeelErrorShape } from "./trpc-wire";

export type { KeelErrorData, KeelErrorShape } from "./trpc-wire";

/**
 * The error shape every tRPC answer carries, built from the same mapping as the REST envelope
 * (server/http/error-response.ts), so a message is never more revealing on one side than the other.
 * tRPC reads `data.httpStatus` for the response's status, and the browser client reads the rest.
 */
export function keelErrorShape(error: unknown, requestId: string, path?: string): KeelErrorShape {
  const { status, body } = toErrorEnvelope(error, requestId);
  return trpcShapeOf(body, status, path);
}

/** The tRPC route's own refusals, made before tRPC reads the request (origin, media type, body). */
export function trpcErrorResponse(error: unknown, requestId: string): Response {
  const shape = keelErrorShape(error, requestId);
  return Response.json({ error: shape }, { status: shape.data.httpStatus, headers: { "cache-control": "no-store" } });
}

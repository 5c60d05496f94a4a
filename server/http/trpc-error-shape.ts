import "server-only";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import type { ErrorCode, ErrorDetails } from "../errors";
import { toErrorEnvelope } from "./error-response";

/** What Keel adds to tRPC's error data: its own code, the fields at fault and the request id. */
export type KeelErrorData = {
  code: ErrorCode;
  httpStatus: number;
  path?: string;
  details?: ErrorDetails;
  requestId: string;
};

/** tRPC's own error shape (JSON-RPC code and message), with Keel's fields under `data`. */
export type KeelErrorShape = { code: number; message: string; data: KeelErrorData };

/**
 * The error shape every tRPC answer carries, built from the same mapping as the REST envelope
 * (server/http/error-response.ts), so a message is never more revealing on one side than the other.
 * tRPC reads `data.httpStatus` for the response's status, and the browser client reads the rest.
 */
export function keelErrorShape(error: unknown, requestId: string, path?: string): KeelErrorShape {
  const { status, body } = toErrorEnvelope(error, requestId);
  const { code, message, details } = body.error;
  return {
    code: TRPC_ERROR_CODES_BY_KEY[code],
    message,
    data: { code, httpStatus: status, ...(path ? { path } : {}), ...(details ? { details } : {}), requestId },
  };
}

/** The tRPC route's own refusals, made before tRPC reads the request (origin, media type, body). */
export function trpcErrorResponse(error: unknown, requestId: string): Response {
  const shape = keelErrorShape(error, requestId);
  return Response.json({ error: shape }, { status: shape.data.httpStatus, headers: { "cache-control": "no-store" } });
}

import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import type { ErrorCode, ErrorDetails, ErrorEnvelope } from "../errors";

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

/** The tRPC error shape of an envelope, so a tRPC client reads Keel's answer as its own. */
export function trpcShapeOf(envelope: ErrorEnvelope, status: number, path?: string): KeelErrorShape {
  const { code, message, details, requestId } = envelope.error;
  return {
    code: TRPC_ERROR_CODES_BY_KEY[code],
    message,
    data: { code, httpStatus: status, ...(path ? { path } : {}), ...(details ? { details } : {}), requestId },
  };
}

/** A request tRPC answers: its refusals at the edge (body size, URL) take tRPC's error shape too. */
export function isTrpcRequest(url: string): boolean {
  return url.startsWith("/api/trpc/");
}

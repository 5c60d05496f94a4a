import { TRPCError } from "@trpc/server";
import { messageForField } from "@/lib/validation/field-label";

/**
 * Keel's error codes and the one place they are mapped to HTTP statuses. Every error a client
 * sees is `{ error: { code, message, details?, requestId } }` (seed 000 §4.1); nothing else
 * (stack traces, SQL text, driver messages) ever leaves the server.
 */
export const ERROR_STATUS = {
  PARSE_ERROR: 400,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_SUPPORTED: 405,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE_CONTENT: 422,
  TOO_MANY_REQUESTS: 429,
  CLIENT_CLOSED_REQUEST: 499,
  INTERNAL_SERVER_ERROR: 500,
  NOT_IMPLEMENTED: 501,
  BAD_GATEWAY: 502,
  SERVICE_UNAVAILABLE: 503,
  GATEWAY_TIMEOUT: 504,
  TIMEOUT: 408,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export type ErrorDetails = {
  /** Field path (dot-separated) → what is wrong with it. */
  fields?: Record<string, string>;
  [key: string]: unknown;
};

export type ErrorEnvelope = {
  error: { code: ErrorCode; message: string; details?: ErrorDetails; requestId: string };
};

/**
 * An error whose message is written for the user and safe to send to the client. It is a
 * TRPCError, so tRPC answers with the matching HTTP status; route handlers use it too.
 */
export class AppError extends TRPCError {
  declare readonly code: ErrorCode;

  constructor(
    code: ErrorCode,
    message: string,
    readonly details?: ErrorDetails,
  ) {
    super({ code, message });
    this.name = "AppError";
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  /**
   * A bad-input error that names the field (DESIGN invariant 6), in words: a message that starts
   * with the field's raw key ("launchDate: …") is said with the key in words ("Launch date: …").
   */
  static field(field: string, message: string, code: ErrorCode = "BAD_REQUEST"): AppError {
    const said = messageForField(field, message);
    return new AppError(code, said, { fields: { [field]: said } });
  }
}

export const GENERIC_INTERNAL_MESSAGE =
  "Something went wrong on the server. The request id helps an admin find the cause.";

export function errorEnvelope(
  code: ErrorCode,
  message: string,
  requestId: string,
  details?: ErrorDetails,
): ErrorEnvelope {
  return { error: { code, message, requestId, ...(details ? { details } : {}) } };
}

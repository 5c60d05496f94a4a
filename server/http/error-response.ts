import "server-only";
import { TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import {
  AppError,
  ERROR_STATUS,
  errorEnvelope,
  GENERIC_INTERNAL_MESSAGE,
  type ErrorCode,
  type ErrorEnvelope,
} from "../errors";
import { fieldErrorsOf } from "@/lib/validation/field-errors";
import { fieldLabel } from "@/lib/validation/field-label";

/**
 * The one mapping from anything thrown while serving a request to Keel's error envelope, used by
 * tRPC's error formatter and by route handlers. Only AppError messages and framework messages
 * about the request itself reach the client; anything else becomes a generic message.
 */
export function toErrorEnvelope(error: unknown, requestId: string): { status: number; body: ErrorEnvelope } {
  const envelope = (code: ErrorCode, message: string, details?: Parameters<typeof errorEnvelope>[3]) => ({
    status: ERROR_STATUS[code],
    body: errorEnvelope(code, message, requestId, details),
  });
  if (error instanceof AppError) return envelope(error.code, error.message, error.details);
  const zodError =
    error instanceof ZodError
      ? error
      : error instanceof TRPCError && error.cause instanceof ZodError
        ? error.cause
        : null;
  if (zodError) {
    const fields = fieldErrorsOf(zodError);
    const names = Object.keys(fields).map(fieldLabel);
    return envelope(
      "BAD_REQUEST",
      `Check ${names.length === 1 ? "this field" : "these fields"}: ${names.join(", ")}.`,
      {
        fields,
      },
    );
  }
  if (error instanceof TRPCError) {
    if (error.cause instanceof AppError) return toErrorEnvelope(error.cause, requestId);
    const code: ErrorCode = error.code in ERROR_STATUS ? (error.code as ErrorCode) : "INTERNAL_SERVER_ERROR";
    if (ERROR_STATUS[code] >= 500) return envelope(code, GENERIC_INTERNAL_MESSAGE);
    return envelope(code, frameworkMessage(code, error.message));
  }
  return envelope("INTERNAL_SERVER_ERROR", GENERIC_INTERNAL_MESSAGE);
}

function frameworkMessage(code: ErrorCode, message: string): string {
  switch (code) {
    case "UNAUTHORIZED":
      return "Sign in to continue.";
    case "PARSE_ERROR":
      return "The request body is not valid JSON.";
    default:
      return message;
  }
}

/** A JSON error response in Keel's envelope, for route handlers. */
export function errorResponse(error: unknown, requestId: string, headers?: HeadersInit): Response {
  const { status, body } = toErrorEnvelope(error, requestId);
  const response = Response.json(body, { status, headers });
  response.headers.set("cache-control", "no-store");
  return response;
}

/** The longest wait any refused call asks for, in seconds: the Retry-After of a 429. */
export function retryAfterOf(errors: readonly unknown[]): number | null {
  const waits = errors
    .map((error) => toErrorEnvelope(error, "").body.error.details?.retryAfterSeconds)
    .filter((s): s is number => typeof s === "number");
  return waits.length > 0 ? Math.max(...waits) : null;
}

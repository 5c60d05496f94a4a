import { randomUUID } from "node:crypto";

const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Keeps a caller's request id when it is a plain token (for tracing across services), else makes one. */
export function acceptOrCreateRequestId(incoming: string | string[] | undefined): string {
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  return value && ACCEPTABLE_REQUEST_ID.test(value) ? value : randomUUID();
}

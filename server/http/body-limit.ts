import type { IncomingMessage } from "node:http";
import { exactBytes, formatBytes, MAX_BODY_BYTES } from "@/lib/validation/input-limits";
import { errorEnvelope, type ErrorEnvelope } from "../errors";

const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Refuses a request body over 1 MB before anything reads it (seed 000 §1.4). The size is known
 * from Content-Length; a body sent without one (chunked) could be any size, so it is refused
 * too, with a message that says what to do. Every client Keel serves (browsers, fetch, curl with
 * --data) sends Content-Length.
 */
export function refuseBody(
  req: IncomingMessage,
  requestId: string,
  limit = MAX_BODY_BYTES,
): { status: number; body: ErrorEnvelope } | null {
  if (!BODY_METHODS.has(req.method ?? "GET")) return null;
  const declared = req.headers["content-length"];
  if (declared === undefined) {
    if (req.headers["transfer-encoding"] === undefined) return null;
    const message = `Send the request body with a Content-Length header; Keel accepts bodies of at most ${formatBytes(limit)}.`;
    return { status: 400, body: errorEnvelope("BAD_REQUEST", message, requestId, { fields: { body: message } }) };
  }
  const length = Number(declared);
  if (!Number.isFinite(length) || length < 0) {
    return { status: 400, body: errorEnvelope("BAD_REQUEST", "The Content-Length header is not a number.", requestId) };
  }
  if (length > limit) {
    const message = `The request body is ${exactBytes(length)}; the limit is ${formatBytes(limit)}.`;
    return {
      status: 413,
      body: errorEnvelope("PAYLOAD_TOO_LARGE", message, requestId, { fields: { body: message }, limitBytes: limit }),
    };
  }
  return null;
}

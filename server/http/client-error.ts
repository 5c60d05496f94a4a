import { randomUUID } from "node:crypto";
import type { Duplex } from "node:stream";
import { errorEnvelope, type ErrorCode } from "../errors";

type ParserError = Error & { code?: string };

/** Node's parser error codes, mapped to what Keel answers (llhttp names them HPE_*). */
function answerFor(
  code: string | undefined,
): { status: number; reason: string; code: ErrorCode; message: string } | null {
  switch (code) {
    case "HPE_HEADER_OVERFLOW":
      // No code of Keel's names 431; the nearest says what to do (send less).
      return {
        status: 431,
        reason: "Request Header Fields Too Large",
        code: "PAYLOAD_TOO_LARGE",
        message: "The request's headers (the URL included) are too large; the limit is 16 KB.",
      };
    case "HPE_INVALID_CONTENT_LENGTH":
    case "HPE_UNEXPECTED_CONTENT_LENGTH":
      return {
        status: 400,
        reason: "Bad Request",
        code: "BAD_REQUEST",
        message: "The Content-Length header is not a valid length.",
      };
    case "HPE_CHUNK_EXTENSIONS_OVERFLOW":
    case "HPE_INVALID_CHUNK_SIZE":
      return {
        status: 400,
        reason: "Bad Request",
        code: "BAD_REQUEST",
        message: "The request body's chunked encoding is malformed.",
      };
    case "ERR_HTTP_REQUEST_TIMEOUT":
    case "HPE_HEADER_TIMEOUT":
      return {
        status: 408,
        reason: "Request Timeout",
        code: "TIMEOUT",
        message: "The request took too long to arrive.",
      };
    case "ECONNRESET":
    case "EPIPE":
      return null;
    default:
      return { status: 400, reason: "Bad Request", code: "BAD_REQUEST", message: "The request is not valid HTTP." };
  }
}

/** The raw HTTP/1.1 answer for a request Node's parser refused, in Keel's error envelope. */
export function clientErrorResponse(error: ParserError, requestId: string = randomUUID()): string | null {
  const answer = answerFor(error.code);
  if (!answer) return null;
  const body = JSON.stringify(errorEnvelope(answer.code, answer.message, requestId));
  return [
    `HTTP/1.1 ${answer.status} ${answer.reason}`,
    "Content-Type: application/json",
    `Content-Length: ${Buffer.byteLength(body)}`,
    "Cache-Control: no-store",
    `X-Request-Id: ${requestId}`,
    "Connection: close",
    "",
    body,
  ].join("\r\n");
}

/**
 * Answers what Node's HTTP parser refuses before Keel sees a request (headers over 16 KB, a
 * Content-Length that is not a number, malformed HTTP) in the envelope instead of Node's empty
 * 400 or 431. A socket that is already gone, or that has started an answer, is only closed.
 */
export function answerClientError(error: ParserError, socket: Duplex): void {
  const response = socket.writable ? clientErrorResponse(error) : null;
  if (response) socket.end(response);
  else socket.destroy();
}

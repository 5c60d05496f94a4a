import "server-only";
import { AppError } from "../errors";

/** Refuses a request body not declared as JSON with 415 in the envelope (Keel's clients send only JSON). */
export function assertJsonBody(request: Request): void {
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json") {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the body as JSON with `Content-Type: application/json`.", {
      fields: { "content-type": type === "" ? "missing" : `${type} is not accepted` },
    });
  }
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The body as text, refusing bytes that are not UTF-8 (a reader would otherwise turn them into
 * U+FFFD without a word). Reads a clone, so the request can still be handed on.
 */
export async function readUtf8Body(request: Request): Promise<string> {
  const bytes = await request.clone().arrayBuffer();
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw AppError.field("body", "The request body is not valid UTF-8.");
  }
}

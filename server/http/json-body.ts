import { AppError } from "../errors";

/** Refuses a request body not declared as JSON with 415 in the envelope (Keel's clients send only JSON). */
export function assertJsonBody(request: Request): void {
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json") {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the body as JSON with `Content-Type: application/json`.", { fields: { "content-type": type === "" ? "missing" : `${type} is not accepted` } });
  }
}

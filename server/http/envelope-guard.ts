import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { ERROR_STATUS, errorEnvelope, GENERIC_INTERNAL_MESSAGE, type ErrorCode } from "../errors";

const CODE_OF_STATUS = new Map<number, ErrorCode>(
  Object.entries(ERROR_STATUS).map(([code, status]) => [status, code as ErrorCode]),
);

/** The envelope's code and message for an error status some framework answered without a body Keel wrote. */
export function envelopeFor(
  status: number,
  req: Pick<IncomingMessage, "method" | "url">,
  allow: string | undefined,
): { code: ErrorCode; message: string; details?: { allowed: string[] } } {
  const path = (req.url ?? "/").split("?")[0];
  if (status === 405) {
    const allowed = (allow ?? "")
      .split(",")
      .map((method) => method.trim())
      .filter(Boolean);
    return {
      code: "METHOD_NOT_SUPPORTED",
      message: `${path} does not accept ${req.method}.`,
      ...(allowed.length > 0 ? { details: { allowed } } : {}),
    };
  }
  if (status === 404) return { code: "NOT_FOUND", message: `There is no API at ${path}.` };
  if (status >= 500)
    return {
      code: status === 503 ? "SERVICE_UNAVAILABLE" : "INTERNAL_SERVER_ERROR",
      message: GENERIC_INTERNAL_MESSAGE,
    };
  const code = CODE_OF_STATUS.get(status) ?? "BAD_REQUEST";
  return { code, message: status === 401 ? "Sign in to continue." : `The request was refused (${status}).` };
}

function isJson(type: unknown): boolean {
  return typeof type === "string" && /^application\/([\w.+-]*\+)?json\b/i.test(type.trim());
}

/**
 * The last line of the error envelope rule for /api/: whatever answers a request there with an
 * error status and a body that is not JSON (Next.js's empty 405 for a method a route does not
 * export, its plain-text 500 for a failure outside a handler, a library's text answer) has that
 * body replaced, at the moment its headers would go out, by Keel's envelope with the request id.
 * Answers Keel wrote itself are JSON already and pass untouched, as do successes and streams.
 */
export function enforceEnvelope(req: IncomingMessage, res: ServerResponse, requestId: string): void {
  if (!(req.url ?? "").startsWith("/api/")) return;
  const writeHead = res.writeHead.bind(res) as (status: number, headers?: OutgoingHttpHeaders) => ServerResponse;
  const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  let replace: boolean | null = null;

  const decide = (): boolean => {
    replace ??= res.statusCode >= 400 && !isJson(res.getHeader("content-type")) && req.method !== "HEAD";
    return replace;
  };

  res.writeHead = ((status: number, reason?: unknown, headers?: unknown) => {
    res.statusCode = status;
    const given = (typeof reason === "object" ? reason : headers) as
      OutgoingHttpHeaders | readonly string[] | undefined;
    if (Array.isArray(given))
      for (let i = 0; i + 1 < given.length; i += 2) res.setHeader(String(given[i]), String(given[i + 1]));
    else if (given)
      for (const [name, value] of Object.entries(given)) if (value !== undefined) res.setHeader(name, value);
    if (decide()) return res;
    return writeHead(status);
  }) as ServerResponse["writeHead"];

  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (!decide()) return write(chunk, ...rest);
    const callback = rest.find((item) => typeof item === "function") as (() => void) | undefined;
    callback?.();
    return true;
  }) as ServerResponse["write"];

  res.end = ((...args: unknown[]) => {
    if (!decide() || res.headersSent) return end(...args);
    const status = res.statusCode;
    const { code, message, details } = envelopeFor(status, req, res.getHeader("allow") as string | undefined);
    const body = JSON.stringify(errorEnvelope(code, message, requestId, details));
    for (const name of ["content-length", "content-encoding", "transfer-encoding", "etag", "content-disposition"])
      res.removeHeader(name);
    res.setHeader("content-type", "application/json");
    res.setHeader("cache-control", "no-store");
    res.setHeader("content-length", Buffer.byteLength(body));
    writeHead(status);
    const callback = args.find((item) => typeof item === "function") as (() => void) | undefined;
    return end(body, callback);
  }) as ServerResponse["end"];
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import type { Logger } from "pino";
import { errorEnvelope, GENERIC_INTERNAL_MESSAGE } from "../errors";
import { recordHttpRequest } from "../observability/metrics";
import { routeLabel } from "../observability/route-label";
import { refuseBody } from "./body-limit";
import { answerClientError } from "./client-error";
import { enforceEnvelope } from "./envelope-guard";
import { prepareRequest, type EdgeOptions } from "./prepare-request";
import { refuseUrl } from "./refuse-url";
import { isTrpcRequest, trpcShapeOf } from "./trpc-wire";

export type EdgeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** How long an idle keep-alive connection is kept open. */
export const KEEP_ALIVE_MS = 65_000;

/**
 * Keel's HTTP server: every request gets its request id, client address and security headers,
 * is refused here when its body is too large or its URL holds what Keel cannot store, and is
 * otherwise handed to `handle` (Next.js). Every error answer under /api/ leaves in the envelope,
 * whoever wrote it, and what Node's parser refuses is answered in the envelope too.
 */
export function createEdgeServer(options: { edge: EdgeOptions; log: Logger; handle: EdgeHandler }): Server {
  const { edge, log, handle } = options;
  const server = createServer((req, res) => {
    const started = performance.now();
    const { requestId } = prepareRequest(req, res, edge);
    res.on("finish", () => {
      const path = (req.url ?? "").split("?")[0];
      const ms = performance.now() - started;
      recordHttpRequest(req.method ?? "GET", routeLabel(path ?? "/", res.statusCode), res.statusCode, ms / 1000);
      const entry = { requestId, method: req.method, path, status: res.statusCode, ms: Math.round(ms) };
      if (path?.startsWith("/_next/")) log.debug(entry, "request");
      else log.info(entry, "request");
    });
    const refusal = refuseBody(req, requestId) ?? refuseUrl(req.url ?? "/", requestId);
    if (refusal) {
      res.statusCode = refusal.status;
      res.setHeader("content-type", "application/json");
      res.setHeader("cache-control", "no-store");
      res.setHeader("connection", "close");
      const url = req.url ?? "/";
      res.end(JSON.stringify(isTrpcRequest(url) ? { error: trpcShapeOf(refusal.body, refusal.status) } : refusal.body));
      return;
    }
    enforceEnvelope(req, res, requestId);
    handle(req, res).catch((error: unknown) => {
      log.error({ requestId, err: error }, "request failed outside the application");
      if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify(errorEnvelope("INTERNAL_SERVER_ERROR", GENERIC_INTERNAL_MESSAGE, requestId)));
      } else {
        res.end();
      }
    });
  });
  // An idle keep-alive connection stays open longer than a proxy's or client's own idle timeout
  // (60 s is the usual one): were Node's 5 s default shorter, a request sent just as the server
  // closed the connection would meet a reset (a 502 behind a proxy).
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1000;
  server.on("clientError", (error: Error & { code?: string }, socket) => {
    if (error.code !== "ECONNRESET") log.info({ code: error.code }, "request refused by the HTTP parser");
    answerClientError(error, socket);
  });
  return server;
}

import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { clientIpOf, type TrustedProxies } from "./client-ip";
import { acceptOrCreateRequestId } from "./request-id";
import { securityHeaders } from "./security-headers";

export type EdgeOptions = { development: boolean; production: boolean; https: boolean; trustedProxies: TrustedProxies };

/** Headers only the edge may set; whatever a client sent under these names is discarded. */
const EDGE_HEADERS = ["x-keel-client-ip", "x-keel-path", "x-nonce", "content-security-policy"];

/**
 * Runs before Next.js sees a request: gives it a request id, works out the client's address from
 * the socket and trusted proxies, makes a CSP nonce (Next.js reads it from the request's CSP
 * header and puts it on its scripts) and sets the security headers on the response.
 */
export function prepareRequest(
  req: IncomingMessage,
  res: ServerResponse,
  options: EdgeOptions,
): { requestId: string; ip: string } {
  for (const name of EDGE_HEADERS) delete req.headers[name];
  const requestId = acceptOrCreateRequestId(req.headers["x-request-id"]);
  const ip = clientIpOf(req.socket.remoteAddress, req.headers["x-forwarded-for"], options.trustedProxies);
  const nonce = randomBytes(16).toString("base64");
  const headers = securityHeaders({
    nonce,
    development: options.development,
    production: options.production,
    https: options.https,
  });
  req.headers["x-request-id"] = requestId;
  req.headers["x-keel-client-ip"] = ip;
  req.headers["x-keel-path"] = req.url ?? "/";
  req.headers["x-nonce"] = nonce;
  req.headers["content-security-policy"] = headers["Content-Security-Policy"];
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader("X-Request-Id", requestId);
  return { requestId, ip };
}

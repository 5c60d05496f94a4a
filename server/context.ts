import "server-only";
import type { Database } from "@/db/client";
import type { Actor } from "./audit/actor";
import type { ResolvedSession } from "./auth/sessions";
import type { DemoSite } from "./demo/site";
import type { EngineDeps } from "./engine/dispatch";
import type { RateLimits } from "./security/rate-limits/rate-limits";

export type RequestInfo = { requestId: string; ip: string | null; userAgent: string | null };

/** What every tRPC procedure receives. Tests build it directly around their own database. */
export type Context = {
  db: Database;
  session: ResolvedSession | null;
  request: RequestInfo;
  /** The run engine; null where none runs (the procedures that need it then answer SERVICE_UNAVAILABLE). */
  engine: EngineDeps | null;
  /** The rate limiters every request is counted against; null only in tests that do not test them. */
  rateLimits: RateLimits | null;
  /** Where the demo environment lives; unset: the console's own (tests set theirs). */
  demoSite?: DemoSite;
};

export function requestInfoFromHeaders(headers: Headers): RequestInfo {
  return {
    requestId: headers.get("x-request-id") ?? "unknown",
    ip: headers.get("x-keel-client-ip"),
    userAgent: headers.get("user-agent")?.slice(0, 400) ?? null,
  };
}

export function actorOf(session: ResolvedSession, request: RequestInfo): Actor & { userId: string } {
  return {
    userId: session.user.id,
    label: session.user.email,
    sessionId: session.sessionId,
    request: { ip: request.ip, userAgent: request.userAgent, requestId: request.requestId },
  };
}

import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getCurrentSession } from "@/server/auth/current-session";
import { requestInfoFromHeaders } from "@/server/context";
import { getDb } from "@/server/db";
import { runningEngine } from "@/server/engine/instance";
import { retryAfterOf } from "@/server/http/error-response";
import { trpcErrorResponse } from "@/server/http/trpc-error-shape";
import { assertJsonBody, readUtf8Body } from "@/server/http/json-body";
import { assertSameOrigin } from "@/server/http/same-origin";
import { getLogger } from "@/server/observability/logger";
import { appRouter } from "@/server/routers/_app";
import { getRateLimits } from "@/server/security/rate-limits/process-limits";

export const dynamic = "force-dynamic";

async function handler(req: Request): Promise<Response> {
  const request = requestInfoFromHeaders(req.headers);
  try {
    assertSameOrigin(req);
    // tRPC's own refusal comes before the context exists, so it would carry no request id.
    if (req.method !== "GET") {
      assertJsonBody(req);
      await readUtf8Body(req);
    }
  } catch (error) {
    return trpcErrorResponse(error, request.requestId);
  }
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: async () => ({
      db: await getDb(),
      session: await getCurrentSession(),
      request,
      engine: runningEngine()?.deps ?? null,
      rateLimits: await getRateLimits(),
    }),
    // The status is tRPC's own, from each error's data.httpStatus (207 for a mixed batch).
    responseMeta: ({ errors }) => {
      const headers = new Headers({ "cache-control": "no-store" });
      const retryAfter = retryAfterOf(errors);
      if (retryAfter) headers.set("retry-after", String(retryAfter));
      return { headers };
    },
    onError({ error, path, type }) {
      const log = getLogger().child({ requestId: request.requestId, path, type, code: error.code });
      if (error.code === "INTERNAL_SERVER_ERROR") log.error({ err: error.cause ?? error }, "procedure failed");
      else log.info("procedure refused");
    },
  });
}

export { handler as GET, handler as POST };

import { getEnv } from "@/server/config/env";
import { getDb } from "@/server/db";
import { runningEngine } from "@/server/engine/instance";
import { errorResponse } from "@/server/http/error-response";
import { assertMetricsToken } from "@/server/observability/metrics-token";
import { renderMetrics } from "@/server/observability/render-metrics";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** Prometheus scrape endpoint, behind KEEL_METRICS_TOKEN. */
export async function GET(req: Request): Promise<Response> {
  const requestId = req.headers.get("x-request-id") ?? "unknown";
  try {
    assertMetricsToken(getEnv().KEEL_METRICS_TOKEN, req.headers.get("authorization"));
    const { contentType, body } = await renderMetrics({ db: await getDb(), queue: runningEngine()?.queue ?? null });
    return new Response(body, { status: 200, headers: { "content-type": contentType, "cache-control": "no-store" } });
  } catch (error) {
    return errorResponse(error, requestId);
  }
}

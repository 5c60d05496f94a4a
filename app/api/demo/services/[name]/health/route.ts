import { getEnv } from "@/server/config/env";
import { getDb } from "@/server/db";
import { demoServiceHealth } from "@/server/demo/demo-service-health";
import { demoRoot } from "@/server/demo/environment";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

type RouteContext = { params: Promise<{ name: string }> };

/** The demo environment's stand-in health endpoint (the rollback runbook probes it); no sign-in, like a real one. */
export async function GET(req: Request, context: RouteContext): Promise<Response> {
  const { name } = await context.params;
  return demoServiceHealth(
    await getDb(),
    name,
    demoRoot(getEnv().KEEL_DATA_DIR),
    req.headers.get("x-request-id") ?? "unknown",
  );
}

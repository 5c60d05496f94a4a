import { getDb } from "@/server/db";
import { recordDeploymentEndpoint } from "@/server/deployments/record-deployment-endpoint";
import { getRateLimits } from "@/server/security/rate-limits/process-limits";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** CI pipelines record deployments here with an API token (see Admin → API tokens). */
export async function POST(req: Request): Promise<Response> {
  return recordDeploymentEndpoint(req, await getDb(), await getRateLimits());
}

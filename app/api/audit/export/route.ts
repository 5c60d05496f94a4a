import { getCurrentSession } from "@/server/auth/current-session";
import { getDb } from "@/server/db";
import { auditExportResponse } from "@/server/history/export-response";
import { getRateLimits } from "@/server/security/rate-limits/process-limits";

export const dynamic = "force-dynamic";
// Streams a large download: Node.js, not the edge runtime.
export const runtime = "nodejs";

export async function GET(req: Request): Promise<Response> {
  return auditExportResponse(req, { session: getCurrentSession, db: getDb, rateLimits: getRateLimits });
}

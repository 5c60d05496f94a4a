import "server-only";
import type { Database } from "@/db/client";
import { fieldErrorsOf } from "@/lib/validation/field-errors";
import { exportFormatInput, filtersFromSearchParams, historyFiltersInput } from "@/lib/schemas/history";
import type { ResolvedSession } from "../auth/sessions";
import { actorOf, requestInfoFromHeaders } from "../context";
import { AppError } from "../errors";
import { errorResponse, retryAfterOf } from "../http/error-response";
import { getLogger } from "../observability/logger";
import type { RateLimits } from "../security/rate-limits/rate-limits";
import { limitProcedureCall } from "../security/rate-limits/request-limits";
import { startAuditExport } from "./export";

export type ExportDependencies = {
  session: () => Promise<ResolvedSession | null>;
  db: () => Promise<Database>;
  /** Counted like a read of any procedure (per address, per user); tests may leave it out. */
  rateLimits?: () => Promise<RateLimits | null>;
};

/**
 * `GET /api/audit/export?format=ndjson|csv&<filters>`: the History view the filters describe, as
 * a download, for any signed-in user (with the same visibility rules as the page). Bad filters
 * get 400 naming the field, and nothing is recorded.
 */
export async function auditExportResponse(request: Request, dependencies: ExportDependencies): Promise<Response> {
  const info = requestInfoFromHeaders(request.headers);
  try {
    const session = await dependencies.session();
    if (!session) throw new AppError("UNAUTHORIZED", "Sign in to continue.");
    if (session.user.mustChangePassword)
      throw new AppError("FORBIDDEN", "Choose a new password before doing anything else.");
    const actor = actorOf(session, info);
    const limits = dependencies.rateLimits ? await dependencies.rateLimits() : null;
    if (limits) await limitProcedureCall(limits, { type: "query", userId: session.user.id, ip: info.ip, actor });
    const url = new URL(request.url);
    const format = exportFormatInput.safeParse(url.searchParams.get("format") ?? "ndjson");
    if (!format.success) throw AppError.field("format", "Choose a format: ndjson or csv");
    const parsed = historyFiltersInput.safeParse(filtersFromSearchParams((key) => url.searchParams.get(key)));
    if (!parsed.success) {
      const fields = fieldErrorsOf(parsed.error);
      throw new AppError("BAD_REQUEST", Object.values(fields)[0] ?? "The filters are not valid.", { fields });
    }
    const db = await dependencies.db();
    const stream = await startAuditExport(db, actor, session.user, parsed.data, format.data);
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    return new Response(stream, {
      headers: {
        "content-type": format.data === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
        "content-disposition": `attachment; filename="keel-audit-${stamp}.${format.data}"`,
        "cache-control": "no-store, no-transform",
        "x-accel-buffering": "no",
      },
    });
  } catch (error) {
    if (!(error instanceof AppError))
      getLogger().error({ requestId: info.requestId, err: error }, "starting an audit export failed");
    const retryAfter = retryAfterOf([error]);
    return errorResponse(error, info.requestId, retryAfter ? { "retry-after": String(retryAfter) } : undefined);
  }
}

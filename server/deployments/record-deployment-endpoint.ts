import "server-only";
import { eq } from "drizzle-orm";
import { ZodError } from "zod";
import type { Database } from "@/db/client";
import { apiTokens } from "@/db/schema";
import { recordDeploymentInput } from "@/lib/schemas/deployments";
import { findUnstorableText } from "@/lib/validation/storable-text";
import { authenticateApiToken } from "../api-tokens/authenticate";
import { requestInfoFromHeaders } from "../context";
import { AppError } from "../errors";
import { errorResponse, retryAfterOf } from "../http/error-response";
import { readUtf8Body } from "../http/json-body";
import type { RateLimits } from "../security/rate-limits/rate-limits";
import { getLogger } from "../observability/logger";
import { recordRelease } from "../services/record-release";
import { getService } from "../services/service-history";

const MAX_BODY_BYTES = 16 * 1024;

async function readJson(req: Request): Promise<unknown> {
  const type = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json")
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the body as JSON with `Content-Type: application/json`.");
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > MAX_BODY_BYTES)
    throw new AppError("PAYLOAD_TOO_LARGE", `The body may be at most ${MAX_BODY_BYTES} bytes.`);
  const text = await readUtf8Body(req);
  if (Buffer.byteLength(text) > MAX_BODY_BYTES)
    throw new AppError("PAYLOAD_TOO_LARGE", `The body may be at most ${MAX_BODY_BYTES} bytes.`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError("PARSE_ERROR", "The request body is not valid JSON.");
  }
  const unstorable = findUnstorableText(body, "body");
  if (unstorable) throw AppError.field(unstorable.field, unstorable.message);
  return body;
}

/**
 * POST /api/v1/deployments: a CI pipeline records that it deployed a release of a service.
 * Needs a token with the deployments:write scope; answers 201 with the release as stored.
 */
export async function recordDeploymentEndpoint(
  req: Request,
  db: Database,
  limits: RateLimits | null,
): Promise<Response> {
  const request = requestInfoFromHeaders(req.headers);
  try {
    // Per address before the token is looked at (guessing tokens costs requests), per token after.
    const anonymous = {
      userId: null,
      label: "api",
      sessionId: null,
      request: { ip: request.ip, userAgent: request.userAgent, requestId: request.requestId },
    };
    if (limits && request.ip) await limits.consume("request_ip", request.ip, anonymous);
    const { token, actor } = await authenticateApiToken(
      db,
      req.headers,
      request,
      "deployments:write",
      "/api/v1/deployments",
    );
    if (limits) await limits.consume("api_token", token.id, actor);
    const parsed = recordDeploymentInput.safeParse(await readJson(req));
    if (!parsed.success) throw parsed.error;
    const body = parsed.data;
    await getService(db, body.service).catch((error: unknown) => {
      if (!(error instanceof AppError)) throw error;
      if (error.code === "NOT_FOUND") throw AppError.field("service", error.message);
      // A service whose rollback settings are broken still has a release history: record it.
    });
    const { deployment } = await recordRelease(
      db,
      actor,
      {
        service: body.service,
        version: body.version,
        commit: body.commit?.toLowerCase() ?? null,
        description: body.description,
        deployedAt: body.deployedAt ? new Date(body.deployedAt) : undefined,
        source: "api",
        recordedBy: token.id,
      },
      { recordedVia: `api-pat:${token.id}`, tokenFingerprint: token.fingerprint },
      async (tx) => {
        await tx.update(apiTokens).set({ lastUsedAt: new Date() }).where(eq(apiTokens.id, token.id));
      },
    );
    const { id, service, version, commit, description, deployedAt, source } = deployment;
    return Response.json(
      { deployment: { id, service, version, commit, description, deployedAt: deployedAt.toISOString(), source } },
      { status: 201, headers: { "cache-control": "no-store" } },
    );
  } catch (error) {
    if (!(error instanceof AppError) && !(error instanceof ZodError))
      getLogger().error({ requestId: request.requestId, err: error }, "recording a deployment failed");
    const retryAfter = retryAfterOf([error]);
    return errorResponse(error, request.requestId, retryAfter ? { "retry-after": String(retryAfter) } : undefined);
  }
}

import { checkUrl, HttpPolicyError, type HttpPolicy } from "../connectors/http";
import { AppError } from "../errors";
import type { ServiceConfig } from "./service-kind";

export function httpPolicyOf(config: ServiceConfig, extra: Partial<HttpPolicy> = {}): HttpPolicy {
  return { allowedHosts: config.allowedHosts, allowPrivateNetwork: config.allowPrivateNetwork, ...extra };
}

/** A URL the service's policy refuses is that field's problem, found before anything is sent. */
export function checkServiceUrl(config: ServiceConfig, field: "health.url" | "rollback.url", url: string): void {
  try {
    checkUrl(httpPolicyOf(config), url);
  } catch (error) {
    if (error instanceof HttpPolicyError) throw AppError.field(field, `${urlName(field)}: ${error.message}`);
    throw error;
  }
}

/** A call that got no answer at all, as an error naming the field whose URL could not be reached. */
export function unreachable(field: "health.url" | "rollback.url", url: string, error: unknown): AppError {
  return AppError.field(
    field,
    `${urlName(field)}: could not reach ${url}: ${error instanceof Error ? error.message : String(error)}`,
    "BAD_GATEWAY",
  );
}

/** The URL field in words, as the service's settings name it. */
function urlName(field: "health.url" | "rollback.url"): string {
  return field === "health.url" ? "Health URL" : "Rollback URL";
}

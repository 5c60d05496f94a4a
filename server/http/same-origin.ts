import "server-only";
import { AppError } from "../errors";

/**
 * Refuses a state-changing browser request sent from another site. Browsers always send Origin
 * on cross-site POSTs, and Host cannot be set by a page, so comparing the two is enough.
 */
export function assertSameOrigin(request: Request): void {
  if (request.method === "GET" || request.method === "HEAD") return;
  const origin = request.headers.get("origin");
  if (!origin) return;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new AppError("FORBIDDEN", "The request came from an unrecognised origin.");
  }
  if (originHost !== request.headers.get("host")) {
    throw new AppError("FORBIDDEN", "The request came from another site.");
  }
}

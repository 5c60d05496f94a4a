import { setTimeout as sleep } from "node:timers/promises";
import { httpRequest } from "../connectors/http";
import type { ServiceConfig } from "./service-kind";
import { checkServiceUrl, httpPolicyOf } from "./service-urls";

export type HealthProbeResult = {
  healthy: boolean;
  /** Every probe's status code, or "error" when none came back. */
  statuses: (number | "error")[];
  consecutiveSuccesses: number;
  elapsedSeconds: number;
};

/**
 * Probes the health URL every intervalSeconds until it answered 2xx consecutiveSuccesses times
 * in a row (healthy), or timeoutSeconds passed (not healthy). One failure starts the count again.
 */
export async function probeUntilHealthy(
  config: ServiceConfig,
  options: { log: (line: string) => void; signal: AbortSignal; progress?: (fraction: number, message: string) => void },
): Promise<HealthProbeResult> {
  const { url, consecutiveSuccesses, intervalSeconds, timeoutSeconds } = config.health;
  // A URL the policy refuses fails at once, naming the field, instead of failing every probe.
  checkServiceUrl(config, "health.url", url);
  const policy = httpPolicyOf(config, { retries: 0, timeoutMs: Math.min(10_000, intervalSeconds * 1000 + 5000) });
  const started = Date.now();
  const deadline = started + timeoutSeconds * 1000;
  const statuses: (number | "error")[] = [];
  let inARow = 0;
  for (;;) {
    let status: number | "error";
    try {
      status = (await httpRequest(policy, { method: "GET", url, signal: options.signal })).status;
    } catch (error) {
      if (options.signal.aborted) throw error;
      status = "error";
      options.log(`GET ${url} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    statuses.push(status);
    inARow = typeof status === "number" && status >= 200 && status < 300 ? inARow + 1 : 0;
    options.log(`GET ${url} → ${status} (${inARow} of ${consecutiveSuccesses} healthy in a row)`);
    options.progress?.(inARow / consecutiveSuccesses, `${inARow} of ${consecutiveSuccesses} healthy probes in a row`);
    const elapsedSeconds = Math.round((Date.now() - started) / 1000);
    if (inARow >= consecutiveSuccesses)
      return { healthy: true, statuses, consecutiveSuccesses: inARow, elapsedSeconds };
    if (Date.now() + intervalSeconds * 1000 > deadline)
      return { healthy: false, statuses, consecutiveSuccesses: inARow, elapsedSeconds };
    await sleep(intervalSeconds * 1000, undefined, { signal: options.signal });
  }
}

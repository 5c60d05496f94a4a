import { z } from "zod";
import { probeUntilHealthy } from "../../services/health-probe";
import { getService } from "../../services/service-history";
import type { CheckDefinition } from "../actions/types";

/** The service answers its health URL successfully for its configured window. */
export const serviceHealthyCheck: CheckDefinition<{ service: string }> = {
  name: "service.healthy",
  title: "Service is healthy",
  description:
    "Probes the service's health URL until it succeeds the configured number of times in a row, or times out. Changes nothing.",
  input: z.strictObject({ service: z.string().min(1) }),
  async run({ service }, context) {
    const { config } = await getService(context.db, service);
    const { consecutiveSuccesses, intervalSeconds, timeoutSeconds } = config.health;
    context.log(
      `Probing ${config.health.url}: healthy after ${consecutiveSuccesses} successes in a row, ${intervalSeconds}s apart, within ${timeoutSeconds}s.`,
      "info",
    );
    const result = await probeUntilHealthy(config, {
      log: (line) => context.log(line),
      signal: context.signal,
      progress: (f, m) => context.progress(f, m),
    });
    const seen = result.statuses.join(", ");
    const details = { statuses: result.statuses, elapsedSeconds: result.elapsedSeconds, healthUrl: config.health.url };
    return result.healthy
      ? {
          passed: true,
          summary: `${service} is healthy: ${consecutiveSuccesses} successful probes in a row after ${result.elapsedSeconds}s (status codes seen: ${seen}).`,
          details,
        }
      : {
          passed: false,
          summary: `${service} did not become healthy within ${timeoutSeconds}s (status codes seen: ${seen}).`,
          details,
        };
  },
};

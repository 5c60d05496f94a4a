import { httpRequest } from "../../connectors/http";
import type { SecretConsumer } from "./consumers";

export type ProbeOutcome =
  { consumer: string; probed: false } | { consumer: string; probed: true; accepted: boolean; detail: string };

/** Asks a consumer whether it accepts `value` (sent in the probe's header): it must answer 2xx. */
export async function probeConsumer(
  consumer: SecretConsumer,
  value: string,
  context: { log: (line: string) => void; signal: AbortSignal },
): Promise<ProbeOutcome> {
  const probe = consumer.config.probe;
  if (!probe) return { consumer: consumer.name, probed: false };
  const headerValue = probe.scheme ? `${probe.scheme} ${value}` : value;
  try {
    const result = await httpRequest(
      {
        allowedHosts: [new URL(probe.url).hostname],
        allowPrivateNetwork: probe.allowPrivateNetwork,
        timeoutMs: probe.timeoutMs,
        retries: 1,
      },
      {
        method: probe.method,
        url: probe.url,
        secretHeaders: { [probe.header]: headerValue },
        signal: context.signal,
        log: (line) => context.log(`${consumer.name}: ${line}`),
      },
    );
    const accepted = result.status >= 200 && result.status < 300;
    return {
      consumer: consumer.name,
      probed: true,
      accepted,
      detail: `${probe.method} ${probe.url} answered ${result.status}`,
    };
  } catch (error) {
    return {
      consumer: consumer.name,
      probed: true,
      accepted: false,
      detail: `${probe.method} ${probe.url} failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

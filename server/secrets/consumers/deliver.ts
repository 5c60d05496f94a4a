import { runCommandOrFail } from "../../connectors/command";
import { readFileIfExists } from "../../connectors/files";
import { httpRequest } from "../../connectors/http";
import { envValueOf, writeEnvValue } from "./env-file";
import { describeSink } from "./kind";
import type { SecretConsumer } from "./consumers";

export type DeliveryContext = { log: (line: string) => void; signal: AbortSignal };

export class DeliveryError extends Error {
  constructor(
    readonly consumer: string,
    message: string,
  ) {
    super(`Consumer "${consumer}" (${message})`);
    this.name = "DeliveryError";
  }
}

/**
 * What the consumer holds now, when Keel can read it back (an env file); null when it cannot
 * (an HTTP service or a command only take values). For plans: compared by fingerprint only.
 */
export function readConsumerValue(
  consumer: SecretConsumer,
): { readable: true; value: string | null } | { readable: false } {
  const sink = consumer.config.sink;
  if (sink.type !== "env-file") return { readable: false };
  return { readable: true, value: envValueOf(readFileIfExists(sink.path), sink.variable) };
}

/**
 * Hands the value to one consumer. Safe to repeat: an env file that already holds the value is
 * not rewritten, and HTTP and command sinks set a value (doing it twice leaves the same state).
 * A reload command runs every time, so that a crash between writing and reloading is repaired
 * by running the step again.
 */
export async function deliverToConsumer(
  consumer: SecretConsumer,
  value: string,
  context: DeliveryContext,
): Promise<{ changed: boolean | null }> {
  const sink = consumer.config.sink;
  const where = describeSink(sink);
  try {
    switch (sink.type) {
      case "env-file": {
        const changed = writeEnvValue(sink.path, sink.variable, value);
        context.log(
          `${consumer.name}: ${changed ? "wrote" : "already had the value:"} ${sink.variable} in ${sink.path}`,
        );
        if (sink.reload) {
          await runCommandOrFail(sink.reload, {
            signal: context.signal,
            onLine: (line) => context.log(`${consumer.name}: ${line}`),
          });
          context.log(`${consumer.name}: reloaded`);
        }
        return { changed };
      }
      case "http": {
        const secretHeaders = sink.deliver.in === "header" ? { [sink.deliver.name]: value } : undefined;
        const body = sink.deliver.in === "body" ? JSON.stringify({ [sink.deliver.field]: value }) : undefined;
        const result = await httpRequest(
          {
            allowedHosts: [new URL(sink.url).hostname],
            allowPrivateNetwork: sink.allowPrivateNetwork,
            timeoutMs: sink.timeoutMs,
          },
          {
            method: sink.method,
            url: sink.url,
            secretHeaders,
            body,
            signal: context.signal,
            log: (line) => context.log(`${consumer.name}: ${line}`),
          },
        );
        // The response body is not shown: a service may echo what it was sent.
        if (result.status < 200 || result.status >= 300) throw new Error(`answered ${result.status}`);
        return { changed: null };
      }
      case "command": {
        await runCommandOrFail(sink.command, {
          env: { [sink.variable]: value },
          signal: context.signal,
          onLine: (line) => context.log(`${consumer.name}: ${line}`),
        });
        return { changed: null };
      }
    }
  } catch (error) {
    throw new DeliveryError(consumer.name, `${where}): ${error instanceof Error ? error.message : String(error)}`);
  }
}

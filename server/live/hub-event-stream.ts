import type { Logger } from "../observability/logger";
import type { LiveHub } from "./hub";
import { sseComment, sseRetry } from "./sse-format";

const DEFAULT_HEARTBEAT_MS = 15_000;
const BROWSER_RETRY_MS = 2_000;

/** What a stream's own logic may do: write SSE text, run a task in arrival order, close. */
export type HubStream = {
  write(text: string): void;
  /** Syncs and events are handled one at a time, in arrival order: a sync reads the database, and an event that arrives meanwhile must not overtake it. A failed task closes the stream (the browser reconnects and syncs again). */
  inTurn(task: () => void | Promise<void>): void;
  close(): void;
};

/** A stream's own logic: how it catches up (at open and after the hub reconnects), and what to undo at close. */
export type HubStreamLogic = { sync: () => Promise<void>; stop: () => void; opened?: () => void };

export type HubEventStreamOptions = {
  hub: LiveHub;
  signal: AbortSignal;
  log: Logger;
  /** Logged with the error when a task fails. */
  failureMessage: string;
  heartbeatMs?: number;
  /** Subscribes to the hub and returns the stream's logic; called once, when the stream starts. */
  start: (stream: HubStream) => HubStreamLogic;
};

/**
 * The text/event-stream skeleton the live pages share: heartbeats, the browser's retry delay, a
 * sync at open and after the hub reconnects, ordered tasks, and one close for every way a stream
 * ends (the request aborted, the reader cancelled, the followed thing gone, a task failed).
 */
export function createHubEventStream(options: HubEventStreamOptions): ReadableStream<Uint8Array> {
  const { hub, signal, log } = options;
  const encoder = new TextEncoder();
  let close: () => void = () => undefined;

  return new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      let queue: Promise<void> = Promise.resolve();
      const stream: HubStream = {
        write: (text) => {
          if (!closed) controller.enqueue(encoder.encode(text));
        },
        inTurn: (task) => {
          queue = queue
            .then(() => (closed ? undefined : task()))
            .catch((error: unknown) => {
              log.error({ err: error }, options.failureMessage);
              close();
            });
        },
        close: () => close(),
      };

      const logic = options.start(stream);
      const stopResyncing = hub.onReconnected(() => stream.inTurn(logic.sync));
      const heartbeat = setInterval(
        () => stream.write(sseComment("ping")),
        options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
      );
      const onAbort = () => close();

      close = () => {
        if (closed) return;
        closed = true;
        logic.stop();
        stopResyncing();
        clearInterval(heartbeat);
        signal.removeEventListener("abort", onAbort);
        try {
          controller.close();
        } catch {
          // Already closed by a cancelling reader.
        }
      };

      if (signal.aborted) return close();
      signal.addEventListener("abort", onAbort, { once: true });
      logic.opened?.();
      stream.write(sseRetry(BROWSER_RETRY_MS));
      stream.inTurn(logic.sync);
    },
    cancel() {
      close();
    },
  });
}

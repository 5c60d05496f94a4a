import { RUN_EVENT, type OutputEventData, type RunEventData } from "@/lib/live/run-event-protocol";
import { getLogger } from "../observability/logger";
import type { LiveEvent, LiveHub } from "./hub";
import { sseComment, sseEvent, sseRetry } from "./sse-format";

export type RunEventStreamOptions = {
  hub: LiveHub;
  /** The run's version now, or null when there is no such run. */
  currentVersion: () => Promise<number | null>;
  runId: string;
  /** The browser's Last-Event-ID header: the version it saw last, when it is reconnecting. */
  lastEventId: string | null;
  signal: AbortSignal;
  heartbeatMs?: number;
};

const DEFAULT_HEARTBEAT_MS = 15_000;
const BROWSER_RETRY_MS = 2_000;

/**
 * One open run page's text/event-stream. It starts with the run's current version, always, so
 * a page that reconnects after a drop (sending Last-Event-ID) or after the hub lost notifications
 * learns whether it missed anything and refetches; from then on every change and every batch of
 * output is announced by id and number only. Ends when the request is aborted, the reader
 * cancels, or the run is gone.
 */
export function createRunEventStream(options: RunEventStreamOptions): ReadableStream<Uint8Array> {
  const { hub, currentVersion, runId, signal } = options;
  const log = getLogger().child({ component: "run-event-stream", runId });
  const encoder = new TextEncoder();
  let close: () => void = () => undefined;

  return new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      let sentVersion: number | null = null;
      // Syncs and events are handled one at a time, in arrival order: a sync reads the database,
      // and an event that arrives meanwhile must not overtake the version it follows.
      let queue: Promise<void> = Promise.resolve();

      const write = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      const sendVersion = (version: number) => {
        sentVersion = version;
        write(sseEvent(RUN_EVENT.run, { version } satisfies RunEventData, String(version)));
      };
      const sync = async () => {
        const version = await currentVersion();
        if (version === null) {
          write(sseEvent(RUN_EVENT.gone, {}));
          close();
        } else {
          sendVersion(version);
        }
      };
      const deliver = (event: LiveEvent) => {
        if (event.channel === "run_changed") {
          // Older than what the page was already told (it arrived while the sync read the database).
          if (sentVersion !== null && event.version <= sentVersion) return;
          sendVersion(event.version);
        } else if (event.channel === "run_output") {
          const data: OutputEventData = { stepId: event.stepId, attempt: event.attempt, lastLineNo: event.lastLineNo };
          write(sseEvent(RUN_EVENT.output, data));
        }
      };
      const inTurn = (task: () => void | Promise<void>) => {
        queue = queue
          .then(() => (closed ? undefined : task()))
          .catch((error: unknown) => {
            // The browser reconnects after the retry delay and syncs again.
            log.error({ err: error }, "run event stream failed; closing it");
            close();
          });
      };

      const unsubscribe = hub.subscribe(runId, (event) => inTurn(() => deliver(event)));
      const stopResyncing = hub.onReconnected(() => inTurn(sync));
      const heartbeat = setInterval(() => write(sseComment("ping")), options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
      const onAbort = () => close();

      close = () => {
        if (closed) return;
        closed = true;
        unsubscribe();
        stopResyncing();
        clearInterval(heartbeat);
        signal.removeEventListener("abort", onAbort);
        log.debug("run event stream closed");
        try {
          controller.close();
        } catch {
          // Already closed by a cancelling reader.
        }
      };

      if (signal.aborted) return close();
      signal.addEventListener("abort", onAbort, { once: true });
      log.debug({ resumingFromVersion: versionOf(options.lastEventId) }, "run event stream opened");
      write(sseRetry(BROWSER_RETRY_MS));
      inTurn(sync);
    },
    cancel() {
      close();
    },
  });
}

/** Last-Event-ID comes from the client: only a plain version number is worth logging. */
function versionOf(lastEventId: string | null): number | null {
  return lastEventId && /^\d{1,15}$/.test(lastEventId) ? Number(lastEventId) : null;
}

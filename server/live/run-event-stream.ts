import { RUN_EVENT, type OutputEventData, type RunEventData } from "@/lib/live/run-event-protocol";
import { getLogger } from "../observability/logger";
import type { LiveEvent, LiveHub } from "./hub";
import { createHubEventStream } from "./hub-event-stream";
import { sseEvent } from "./sse-format";

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

/**
 * One open run page's text/event-stream. It starts with the run's current version, always, so
 * a page that reconnects after a drop (sending Last-Event-ID) or after the hub lost notifications
 * learns whether it missed anything and refetches; from then on every change and every batch of
 * output is announced by id and number only. Ends when the request is aborted, the reader
 * cancels, or the run is gone.
 */
export function createRunEventStream(options: RunEventStreamOptions): ReadableStream<Uint8Array> {
  const { hub, currentVersion, runId } = options;
  const log = getLogger().child({ component: "run-event-stream", runId });
  return createHubEventStream({
    hub,
    signal: options.signal,
    heartbeatMs: options.heartbeatMs,
    log,
    // The browser reconnects after the retry delay and syncs again.
    failureMessage: "run event stream failed; closing it",
    start: ({ write, inTurn, close }) => {
      let sentVersion: number | null = null;
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
      const unsubscribe = hub.subscribe(runId, (event) => inTurn(() => deliver(event)));
      return {
        sync,
        stop: () => {
          unsubscribe();
          log.debug("run event stream closed");
        },
        opened: () => log.debug({ resumingFromVersion: versionOf(options.lastEventId) }, "run event stream opened"),
      };
    },
  });
}

/** Last-Event-ID comes from the client: only a plain version number is worth logging. */
function versionOf(lastEventId: string | null): number | null {
  return lastEventId && /^\d{1,15}$/.test(lastEventId) ? Number(lastEventId) : null;
}

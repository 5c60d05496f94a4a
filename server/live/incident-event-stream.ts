import { INCIDENT_EVENT, type IncidentChangedData } from "@/lib/live/incident-event-protocol";
import { getLogger } from "../observability/logger";
import type { LiveEvent, LiveHub } from "./hub";
import { incidentTopic } from "./live-event";
import { sseComment, sseEvent, sseRetry } from "./sse-format";

export type IncidentState = { version: number; runIds: string[] };

export type IncidentEventStreamOptions = {
  hub: LiveHub;
  incidentId: string;
  /** The incident's version and the runs inside it now, or null when there is no such incident. */
  currentState: () => Promise<IncidentState | null>;
  signal: AbortSignal;
  heartbeatMs?: number;
};

const DEFAULT_HEARTBEAT_MS = 15_000;
const BROWSER_RETRY_MS = 2_000;

/**
 * One open incident page's text/event-stream: `changed` whenever the incident itself changes
 * (status, roles, notes, follow-ups, a run joining) or any run inside it moves, so the page
 * refetches its timeline. It follows the runs by subscribing to each of them in the hub, and
 * picks up a run that joins when the incident announces it. Sent once on every connect too, so a
 * page that reconnects catches up on what it missed.
 */
export function createIncidentEventStream(options: IncidentEventStreamOptions): ReadableStream<Uint8Array> {
  const { hub, incidentId, currentState, signal } = options;
  const log = getLogger().child({ component: "incident-event-stream", incidentId });
  const encoder = new TextEncoder();
  let close: () => void = () => undefined;

  return new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      let queue: Promise<void> = Promise.resolve();
      const runSubscriptions = new Map<string, () => void>();

      const write = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      const sendChanged = (version: number) => write(sseEvent(INCIDENT_EVENT.changed, { version } satisfies IncidentChangedData));
      let lastVersion = 0;

      const onRunEvent = (event: LiveEvent) => {
        if (event.channel === "run_changed") inTurn(() => sendChanged(lastVersion));
      };
      const sync = async () => {
        const state = await currentState();
        if (!state) {
          write(sseEvent(INCIDENT_EVENT.gone, {}));
          close();
          return;
        }
        for (const runId of state.runIds) {
          if (!runSubscriptions.has(runId)) runSubscriptions.set(runId, hub.subscribe(runId, onRunEvent));
        }
        lastVersion = state.version;
        sendChanged(state.version);
      };
      const inTurn = (task: () => void | Promise<void>) => {
        queue = queue
          .then(() => (closed ? undefined : task()))
          .catch((error: unknown) => {
            log.error({ err: error }, "incident event stream failed; closing it");
            close();
          });
      };

      // A change of the incident may be a run joining it: read its runs again before telling the page.
      const unsubscribe = hub.subscribe(incidentTopic(incidentId), (event) => {
        if (event.channel === "incident_changed") inTurn(sync);
      });
      const stopResyncing = hub.onReconnected(() => inTurn(sync));
      const heartbeat = setInterval(() => write(sseComment("ping")), options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
      const onAbort = () => close();

      close = () => {
        if (closed) return;
        closed = true;
        unsubscribe();
        for (const stop of runSubscriptions.values()) stop();
        runSubscriptions.clear();
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
      write(sseRetry(BROWSER_RETRY_MS));
      inTurn(sync);
    },
    cancel() {
      close();
    },
  });
}

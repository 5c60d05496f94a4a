import { INCIDENT_EVENT, type IncidentChangedData } from "@/lib/live/incident-event-protocol";
import { getLogger } from "../observability/logger";
import type { LiveEvent, LiveHub } from "./hub";
import { incidentTopic } from "./live-event";
import { createHubEventStream } from "./hub-event-stream";
import { sseEvent } from "./sse-format";

export type IncidentState = { version: number; runIds: string[] };

export type IncidentEventStreamOptions = {
  hub: LiveHub;
  incidentId: string;
  /** The incident's version and the runs inside it now, or null when there is no such incident. */
  currentState: () => Promise<IncidentState | null>;
  signal: AbortSignal;
  heartbeatMs?: number;
};

/**
 * One open incident page's text/event-stream: `changed` whenever the incident itself changes
 * (status, roles, notes, follow-ups, a run joining) or any run inside it moves, so the page
 * refetches its timeline. It follows the runs by subscribing to each of them in the hub, and
 * picks up a run that joins when the incident announces it. Sent once on every connect too, so a
 * page that reconnects catches up on what it missed.
 */
export function createIncidentEventStream(options: IncidentEventStreamOptions): ReadableStream<Uint8Array> {
  const { hub, incidentId, currentState } = options;
  return createHubEventStream({
    hub,
    signal: options.signal,
    heartbeatMs: options.heartbeatMs,
    log: getLogger().child({ component: "incident-event-stream", incidentId }),
    failureMessage: "incident event stream failed; closing it",
    start: ({ write, inTurn, close }) => {
      const runSubscriptions = new Map<string, () => void>();
      const sendChanged = (version: number) =>
        write(sseEvent(INCIDENT_EVENT.changed, { version } satisfies IncidentChangedData));
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

      // A change of the incident may be a run joining it: read its runs again before telling the page.
      const unsubscribe = hub.subscribe(incidentTopic(incidentId), (event) => {
        if (event.channel === "incident_changed") inTurn(sync);
      });
      const stop = () => {
        unsubscribe();
        for (const stopRun of runSubscriptions.values()) stopRun();
        runSubscriptions.clear();
      };
      return { sync, stop };
    },
  });
}

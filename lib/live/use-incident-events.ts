"use client";

import { INCIDENT_EVENT, incidentEventsUrl, parseIncidentChangedData } from "./incident-event-protocol";
import { useEventStream } from "./use-event-stream";

/**
 * Follows an incident's live stream while the component is mounted: `onChanged` on every change
 * of the incident or of a run inside it, and once on every (re)connect. `connected` is false while
 * the stream is down, for a "Reconnecting…" hint.
 */
export function useIncidentEvents(
  incidentId: string,
  handlers: { onChanged: (version: number) => void; onGone?: () => void },
): { connected: boolean } {
  return useEventStream(
    incidentEventsUrl(incidentId),
    INCIDENT_EVENT.gone,
    {
      [INCIDENT_EVENT.changed]: (raw) => {
        const data = parseIncidentChangedData(raw);
        if (data) handlers.onChanged(data.version);
      },
    },
    handlers.onGone,
  );
}

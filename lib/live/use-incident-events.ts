"use client";

import { useEffect, useRef, useState } from "react";
import { INCIDENT_EVENT, incidentEventsUrl, parseIncidentChangedData } from "./incident-event-protocol";

const FIRST_RETRY_MS = 2_000;
const LONGEST_RETRY_MS = 30_000;

/**
 * Follows an incident's live stream while the component is mounted: `onChanged` on every change
 * of the incident or of a run inside it, and once on every (re)connect. `connected` is false while
 * the stream is down, for a "Reconnecting…" hint.
 */
export function useIncidentEvents(incidentId: string, handlers: { onChanged: (version: number) => void; onGone?: () => void }): { connected: boolean } {
  const handlersRef = useRef(handlers);
  useEffect(() => {
    handlersRef.current = handlers;
  });
  const [connected, setConnected] = useState(false);

  useEffect(() => {
    let source: EventSource | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let refusals = 0;
    let finished = false;

    const open = () => {
      const current = new EventSource(incidentEventsUrl(incidentId));
      source = current;
      current.onopen = () => {
        refusals = 0;
        setConnected(true);
      };
      current.onerror = () => {
        setConnected(false);
        // A refused stream (an error status) is not retried by EventSource itself: start over, more slowly each time.
        if (current.readyState !== EventSource.CLOSED || finished) return;
        const delay = Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** refusals);
        refusals += 1;
        retryTimer = setTimeout(open, delay);
      };
      current.addEventListener(INCIDENT_EVENT.changed, (event) => {
        const data = parseIncidentChangedData(event.data);
        if (data) handlersRef.current.onChanged(data.version);
      });
      current.addEventListener(INCIDENT_EVENT.gone, () => {
        finished = true;
        current.close();
        setConnected(false);
        handlersRef.current.onGone?.();
      });
    };

    open();
    return () => {
      finished = true;
      clearTimeout(retryTimer);
      source?.close();
      setConnected(false);
    };
  }, [incidentId]);

  return { connected };
}

"use client";

import { useEffect, useRef, useState } from "react";
import { parseOutputEventData, parseRunEventData, RUN_EVENT, runEventsUrl, type OutputEventData } from "./run-event-protocol";

export type RunEventHandlers = {
  /**
   * The run is at `version`. Called once on every (re)connect, possibly with the version the
   * page already has: refetch what may have been missed while disconnected (output included).
   */
  onRunChanged: (version: number) => void;
  /** A step attempt has output up to `lastLineNo`; fetch the lines after the last one shown. */
  onOutput?: (event: OutputEventData) => void;
  /** The run does not exist (any more); the stream is closed for good. */
  onGone?: () => void;
};

const FIRST_RETRY_MS = 2_000;
const LONGEST_RETRY_MS = 30_000;

/**
 * Follows a run's live events while the component is mounted. `connected` is false while the
 * stream is down, for a "Reconnecting…" hint. Handlers may change on every render without
 * reopening the stream.
 */
export function useRunEvents(runId: string, handlers: RunEventHandlers): { connected: boolean } {
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
      const current = new EventSource(runEventsUrl(runId));
      source = current;
      current.onopen = () => {
        refusals = 0;
        setConnected(true);
      };
      current.onerror = () => {
        setConnected(false);
        // After a dropped stream EventSource reconnects by itself (sending Last-Event-ID). After
        // a refused one (an error status, a proxy's error page during a deploy) it gives up for
        // good, so a page left open on an incident would go stale: start over, more slowly each time.
        if (current.readyState !== EventSource.CLOSED || finished) return;
        const delay = Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** refusals);
        refusals += 1;
        retryTimer = setTimeout(open, delay);
      };
      current.addEventListener(RUN_EVENT.run, (event) => {
        const data = parseRunEventData(event.data);
        if (data) handlersRef.current.onRunChanged(data.version);
      });
      current.addEventListener(RUN_EVENT.output, (event) => {
        const data = parseOutputEventData(event.data);
        if (data) handlersRef.current.onOutput?.(data);
      });
      current.addEventListener(RUN_EVENT.gone, () => {
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
  }, [runId]);

  return { connected };
}

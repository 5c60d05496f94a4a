"use client";

import { useEffect, useRef, useState } from "react";

const FIRST_RETRY_MS = 2_000;
const LONGEST_RETRY_MS = 30_000;

/** What a page does with each named event of a stream; `data` is the event's raw text. */
export type StreamListeners = Record<string, (data: string) => void>;

/**
 * Follows a text/event-stream while the component is mounted, calling the listener of each named
 * event. The `goneEvent` closes the stream for good (the thing it follows no longer exists) and
 * calls `onGone`. `connected` is false while the stream is down, for a "Reconnecting…" hint.
 * Listeners may change on every render without reopening the stream.
 */
export function useEventStream(
  url: string,
  goneEvent: string,
  listeners: StreamListeners,
  onGone?: () => void,
): { connected: boolean } {
  const listenersRef = useRef({ listeners, onGone });
  useEffect(() => {
    listenersRef.current = { listeners, onGone };
  });
  const [connected, setConnected] = useState(false);
  // The event names are fixed per hook: reopen only when the URL changes.
  const eventNames = Object.keys(listeners).join(",");

  useEffect(() => {
    let source: EventSource | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let refusals = 0;
    let finished = false;

    const open = () => {
      const current = new EventSource(url);
      source = current;
      current.onopen = () => {
        refusals = 0;
        setConnected(true);
      };
      current.onerror = () => {
        setConnected(false);
        // After a dropped stream EventSource reconnects by itself (sending Last-Event-ID). After
        // a refused one (an error status, a proxy's error page during a deploy) it gives up for
        // good, so a page left open during an incident would go stale: start over, more slowly each time.
        if (current.readyState !== EventSource.CLOSED || finished) return;
        const delay = Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** refusals);
        refusals += 1;
        retryTimer = setTimeout(open, delay);
      };
      for (const name of eventNames.split(",").filter(Boolean)) {
        current.addEventListener(name, (event) => listenersRef.current.listeners[name]?.(event.data));
      }
      current.addEventListener(goneEvent, () => {
        finished = true;
        current.close();
        setConnected(false);
        listenersRef.current.onGone?.();
      });
    };

    open();
    return () => {
      finished = true;
      clearTimeout(retryTimer);
      source?.close();
      setConnected(false);
    };
  }, [url, goneEvent, eventNames]);

  return { connected };
}

"use client";

import {
  parseOutputEventData,
  parseRunEventData,
  RUN_EVENT,
  runEventsUrl,
  type OutputEventData,
} from "./run-event-protocol";
import { useEventStream } from "./use-event-stream";

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

/**
 * Follows a run's live events while the component is mounted. `connected` is false while the
 * stream is down, for a "Reconnecting…" hint. Handlers may change on every render without
 * reopening the stream.
 */
export function useRunEvents(runId: string, handlers: RunEventHandlers): { connected: boolean } {
  return useEventStream(
    runEventsUrl(runId),
    RUN_EVENT.gone,
    {
      [RUN_EVENT.run]: (raw) => {
        const data = parseRunEventData(raw);
        if (data) handlers.onRunChanged(data.version);
      },
      [RUN_EVENT.output]: (raw) => {
        const data = parseOutputEventData(raw);
        if (data) handlers.onOutput?.(data);
      },
    },
    handlers.onGone,
  );
}

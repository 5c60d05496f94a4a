/**
 * Server-Sent Events framing (text/event-stream). Data is JSON on one line: JSON.stringify never
 * writes a raw newline, which would otherwise split the field and corrupt the event.
 */

export function sseEvent(event: string, data: Record<string, unknown>, id?: string): string {
  const idLine = id === undefined ? "" : `id: ${id}\n`;
  return `event: ${event}\n${idLine}data: ${JSON.stringify(data)}\n\n`;
}

/** A comment line: EventSource ignores it, but it keeps proxies from closing an idle stream. */
export function sseComment(text: string): string {
  return `: ${text}\n\n`;
}

/** How long the browser waits before reconnecting after the stream drops. */
export function sseRetry(milliseconds: number): string {
  return `retry: ${milliseconds}\n\n`;
}

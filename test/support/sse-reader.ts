import { withTimeout } from "./with-timeout";

/** Reads a text/event-stream block by block (a block ends with a blank line), as a test asserts on it. */
export class SseReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private buffer = "";

  constructor(stream: ReadableStream<Uint8Array>) {
    this.reader = stream.getReader();
  }

  /** The next block without its trailing blank line, or null when the stream ended. */
  async next(timeoutMs = 2_000): Promise<string | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.buffer.indexOf("\n\n");
      if (end >= 0) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        return block;
      }
      const chunk = await withTimeout(this.reader.read(), deadline - Date.now(), "no complete event arrived in time");
      if (chunk.done) return null;
      this.buffer += this.decoder.decode(chunk.value, { stream: true });
    }
  }

  /** The next block that is not a heartbeat comment. */
  async nextEvent(timeoutMs = 2_000): Promise<string | null> {
    for (;;) {
      const block = await this.next(timeoutMs);
      if (block === null || !block.startsWith(":")) return block;
    }
  }

  /** True when the stream ends (after any blocks still buffered) within the time. */
  async ended(timeoutMs = 2_000): Promise<boolean> {
    for (;;) {
      const block = await this.next(timeoutMs);
      if (block === null) return true;
    }
  }

  cancel(): Promise<void> {
    return this.reader.cancel();
  }
}

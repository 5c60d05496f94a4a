import { and, eq, max, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { stepOutputLines } from "@/db/schema";
import { notifyRunOutput } from "../live/notify";
import { getLogger } from "../observability/logger";
import { redactSecrets } from "../security/redact-secrets";

const FLUSH_EVERY_MS = 200;
const FLUSH_AT_LINES = 500;
const MAX_LINE_LENGTH = 10_000;

/**
 * Collects a step's output lines, redacts every known secret (in plain, base64 and URL-encoded
 * form), and writes them in batches, telling open run pages how far the output goes.
 */
export class OutputSink {
  private buffer: { stream: "stdout" | "stderr" | "info"; text: string }[] = [];
  private nextLineNo = 1;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly db: Database,
    private readonly key: { runId: string; stepId: string; attempt: number },
    private readonly secrets: Set<string>,
  ) {}

  /** Continues numbering after any lines an earlier (interrupted) run of this attempt wrote. */
  static async open(
    db: Database,
    key: { runId: string; stepId: string; attempt: number },
    secrets: Set<string>,
  ): Promise<OutputSink> {
    const sink = new OutputSink(db, key, secrets);
    const [row] = await db
      .select({ last: max(stepOutputLines.lineNo) })
      .from(stepOutputLines)
      .where(
        and(
          eq(stepOutputLines.runId, key.runId),
          eq(stepOutputLines.stepId, key.stepId),
          eq(stepOutputLines.attempt, key.attempt),
        ),
      );
    sink.nextLineNo = (row?.last ?? 0) + 1;
    return sink;
  }

  /** A value that must never appear in output from now on (a secret an action fetched). */
  addSecret(value: string): void {
    this.secrets.add(value);
  }

  redact(text: string): string {
    return redactSecrets(text, this.secrets);
  }

  write(text: string, stream: "stdout" | "stderr" | "info" = "stdout"): void {
    for (const line of text.replace(/\r\n/g, "\n").split("\n")) {
      this.buffer.push({ stream, text: line.length > MAX_LINE_LENGTH ? `${line.slice(0, MAX_LINE_LENGTH)}…` : line });
    }
    if (this.buffer.length >= FLUSH_AT_LINES) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_EVERY_MS);
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length === 0) return this.flushing;
    const first = this.nextLineNo;
    this.nextLineNo += batch.length;
    this.flushing = this.flushing.then(async () => {
      try {
        await this.db.transaction(async (tx) => {
          await tx.insert(stepOutputLines).values(
            batch.map((line, i) => ({
              ...this.key,
              lineNo: first + i,
              stream: line.stream,
              text: this.redact(line.text),
            })),
          );
          await notifyRunOutput(tx, { ...this.key, lastLineNo: first + batch.length - 1 });
        });
      } catch (error) {
        getLogger().error({ err: error, ...this.key }, "could not store step output");
      }
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    await this.flush();
  }
}

/** Lines of one step attempt, in order, after `afterLineNo`. */
export async function readOutput(
  db: Database,
  key: { runId: string; stepId: string; attempt: number },
  afterLineNo: number,
  limit: number,
) {
  return db
    .select({ lineNo: stepOutputLines.lineNo, stream: stepOutputLines.stream, text: stepOutputLines.text })
    .from(stepOutputLines)
    .where(
      and(
        eq(stepOutputLines.runId, key.runId),
        eq(stepOutputLines.stepId, key.stepId),
        eq(stepOutputLines.attempt, key.attempt),
        sql`${stepOutputLines.lineNo} > ${afterLineNo}`,
      ),
    )
    .orderBy(stepOutputLines.lineNo)
    .limit(limit);
}

import type { Queryable } from "@/db/client";
import type { PlannedChange } from "@/db/schema";
import type { SinkEntry } from "../entry";

/** What a sink may use: the database (for its secret and its lock), output lines, cancellation. */
export type SinkContext = {
  db: Queryable;
  log(line: string): void;
  /** A secret value the sink fetched, to be redacted from output from now on. */
  registerSecret(value: string): void;
  signal?: AbortSignal;
  /** The step ran before and was interrupted: side steps such as a reload are repeated even when the sink already holds the change. */
  resumed?: boolean;
};

/**
 * Where an allowlist takes effect. Every operation checks the sink itself first, so running it
 * again (after a crash, a retry or a second sweep) changes nothing the second time.
 */
export type AllowlistSink = {
  label: string;
  planAdd(entry: SinkEntry, context: SinkContext): Promise<PlannedChange>;
  planRemove(entry: SinkEntry, context: SinkContext): Promise<PlannedChange>;
  add(entry: SinkEntry, context: SinkContext): Promise<"added" | "present">;
  remove(entryId: string, context: SinkContext): Promise<"removed" | "absent">;
  /** The entries the sink holds now, read from the sink (never from Keel's memory). */
  list(context: SinkContext): Promise<SinkEntry[]>;
};

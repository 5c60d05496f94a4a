import { randomUUID } from "node:crypto";
import { desc } from "drizzle-orm";
import type { Database } from "@/db/client";
import { auditEvents, auditRowColumns, type AuditEvent } from "@/db/schema";
import type { ExportFormat, HistoryFilters } from "@/lib/schemas/history";
import type { Actor } from "../audit/actor";
import { appendAuditEvent } from "../audit/append";
import { toChainedRecord } from "../audit/record";
import { getLogger } from "../observability/logger";
import { viewConditions, type HistoryViewer } from "./conditions";

export const EXPORT_BATCH_SIZE = 1000;

/** One exported row: every field the signature (or, before signing began, the hash) covers, then prev_hash, hash, key_id and signature. */
export type ExportedRow = ReturnType<typeof toChainedRecord> & {
  prevHash: string | null;
  hash: string | null;
  keyId: string | null;
  signature: string | null;
};

export function toExportedRow(row: AuditEvent): ExportedRow {
  return {
    ...toChainedRecord(row),
    prevHash: row.prevHash,
    hash: row.hash,
    keyId: row.keyId,
    signature: row.signature,
  };
}

export const CSV_COLUMNS = [
  "seq",
  "id",
  "event_type",
  "actor_user_id",
  "actor_label",
  "session_id",
  "request_meta",
  "event_meta",
  "entity_type",
  "entity_id",
  "outcome",
  "created_at",
  "prev_hash",
  "hash",
  "key_id",
  "signature",
] as const;

/** A CSV field: null is an empty unquoted field, a string is always quoted (so "" is the empty string). */
function csvField(value: string | number | null): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  return `"${value.replaceAll('"', '""')}"`;
}

export function toCsvLine(row: ExportedRow): string {
  return (
    [
      row.seq,
      row.id,
      row.eventType,
      row.actorUserId,
      row.actorLabel,
      row.sessionId,
      JSON.stringify(row.requestMeta),
      JSON.stringify(row.eventMeta),
      row.entityType,
      row.entityId,
      row.outcome,
      row.createdAt,
      row.prevHash,
      row.hash,
      row.keyId,
      row.signature,
    ]
      .map(csvField)
      .join(",") + "\r\n"
  );
}

export function toNdjsonLine(row: ExportedRow): string {
  return JSON.stringify(row) + "\n";
}

/** Reads a filtered view in keyset batches below `below`, newest first. */
export async function* exportBatches(
  db: Database,
  viewer: HistoryViewer,
  filters: HistoryFilters,
  below: number,
  batchSize = EXPORT_BATCH_SIZE,
): AsyncGenerator<AuditEvent[]> {
  let cursor = below;
  for (;;) {
    const rows = await db
      .select(auditRowColumns)
      .from(auditEvents)
      .where(viewConditions(viewer, filters, cursor))
      .orderBy(desc(auditEvents.seq))
      .limit(batchSize);
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < batchSize) return;
    cursor = Number(rows.at(-1)!.seq);
  }
}

/**
 * Starts an export: records `audit.exported` (filters and format) first, then returns a stream
 * of the view as it stood at that moment (rows before the export's own event), read one batch
 * per pull, so memory stays constant and a slow client slows the reading down. When the stream
 * ends, `audit.export_completed` records how many rows went out (or `failure` when the client
 * went away or reading failed).
 */
export async function startAuditExport(
  db: Database,
  actor: Actor,
  viewer: HistoryViewer,
  filters: HistoryFilters,
  format: ExportFormat,
  batchSize = EXPORT_BATCH_SIZE,
): Promise<ReadableStream<Uint8Array>> {
  const exportId = randomUUID();
  const started = await appendAuditEvent(db, actor, {
    eventType: "audit.exported",
    outcome: "success",
    entityType: "audit_export",
    entityId: exportId,
    meta: { filters, format },
  });
  const batches = exportBatches(db, viewer, filters, started.seq, batchSize);
  const encoder = new TextEncoder();
  const line = format === "csv" ? toCsvLine : toNdjsonLine;
  let rows = 0;
  let headerSent = false;
  let finished = false;
  const complete = async (outcome: "success" | "failure", reason?: string) => {
    if (finished) return;
    finished = true;
    await appendAuditEvent(db, actor, {
      eventType: "audit.export_completed",
      outcome,
      entityType: "audit_export",
      entityId: exportId,
      meta: { exportSeq: started.seq, format, rows, ...(reason ? { reason } : {}) },
    }).catch((err: unknown) => getLogger().error({ err }, "recording the end of an audit export failed"));
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          let text = "";
          if (format === "csv" && !headerSent) text += CSV_COLUMNS.join(",") + "\r\n";
          headerSent = true;
          const next = await batches.next();
          if (next.done) {
            if (text) controller.enqueue(encoder.encode(text));
            await complete("success");
            controller.close();
            return;
          }
          for (const row of next.value) text += line(toExportedRow(row));
          rows += next.value.length;
          controller.enqueue(encoder.encode(text));
        } catch (error) {
          getLogger().error({ err: error }, "an audit export failed while reading");
          await complete("failure", "reading the audit trail failed");
          controller.error(new Error("The export failed while reading the audit trail."));
        }
      },
      async cancel() {
        await batches.return(undefined);
        await complete("failure", "the client stopped reading");
      },
    },
    { highWaterMark: 1 },
  );
}

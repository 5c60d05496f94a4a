import { createHash } from "node:crypto";
import { once } from "node:events";
import { createWriteStream, existsSync, linkSync, rmSync } from "node:fs";
import path from "node:path";
import { and, asc, desc, eq, gt, gte, lte } from "drizzle-orm";
import type { Database } from "@/db/client";
import { auditEvents, auditRowColumns, type AuditEvent } from "@/db/schema";
import { AppError } from "../errors";
import { appendAuditEvent } from "./append";
import type { Actor } from "./actor";
import { chainHash, rowMessage, type ChainedRecord } from "./chain";
import { auditSigner } from "./keys";
import { toChainedRecord } from "./record";
import type { AuditVerifier } from "./signing";

/**
 * An audit archive: one NDJSON file holding a closed range of the audit chain, every field of
 * every row, between a header that says where the range starts in the chain (the prev_hash of
 * its first row) and a checkpoint footer with the last row's seq and hash. The file verifies on
 * its own (verifyArchive, no database), and its export is itself an audit event. Archiving
 * deletes nothing: the audit trail's trigger refuses deletes.
 */
export const ARCHIVE_FORMAT = "keel.audit-archive";
export const ARCHIVE_VERSION = 2;

export type ArchiveBound = { seq: number } | { at: Date };

export type ArchiveHeader = {
  type: "header";
  format: typeof ARCHIVE_FORMAT;
  version: typeof ARCHIVE_VERSION;
  exportedAt: string;
  fromSeq: number;
  toSeq: number;
  /** The prev_hash of row fromSeq when it predates signing (64 zeros at the chain's start); null when it is signed. */
  startPrevHash: string | null;
};

/** A row: its SHA-256 link when it predates signing, else Keel's key id and signature. */
export type ArchiveRow = ChainedRecord & {
  type: "row";
  prevHash: string | null;
  hash: string | null;
  keyId: string | null;
  signature: string | null;
};

/** lastHash: the last row's hash, or its signature when it is signed. */
export type ArchiveCheckpoint = {
  type: "checkpoint";
  rowCount: number;
  fromSeq: number;
  toSeq: number;
  startPrevHash: string | null;
  lastSeq: number;
  lastHash: string;
};

export type ArchiveResult = {
  file: string;
  fromSeq: number;
  toSeq: number;
  rowCount: number;
  checkpointHash: string;
  startPrevHash: string | null;
  sha256: string;
  auditSeq: number;
};

/** `--from`/`--to` values: a sequence number, or an ISO 8601 date or date-time (a bare date ends at the end of that day when it is `to`). */
export function parseArchiveBound(value: string, side: "from" | "to"): ArchiveBound {
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const seq = Number(text);
    if (!Number.isSafeInteger(seq) || seq < 1)
      throw AppError.field(side, `--${side} must be a sequence number from 1, or a date.`);
    return { seq };
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const start = new Date(`${text}T00:00:00.000Z`);
    if (Number.isNaN(start.getTime()) || start.toISOString().slice(0, 10) !== text)
      throw AppError.field(side, `--${side} must be a real date; there is no ${text}.`);
    return { at: side === "from" ? start : new Date(start.getTime() + 86_400_000 - 1) };
  }
  if (/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    const at = new Date(text);
    if (!Number.isNaN(at.getTime())) return { at };
  }
  throw AppError.field(
    side,
    `--${side} must be a sequence number (e.g. 1200) or an ISO 8601 date or date-time (e.g. 2026-11-01 or 2026-11-01T00:00:00Z).`,
  );
}

/** The sequence numbers a pair of bounds covers, or an error naming the bound that is wrong. */
export async function resolveArchiveRange(
  db: Database,
  from: ArchiveBound,
  to: ArchiveBound,
): Promise<{ fromSeq: number; toSeq: number }> {
  const [last] = await db.select({ seq: auditEvents.seq }).from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1);
  const head = last ? Number(last.seq) : 0;
  const seqFrom = async () => {
    if ("seq" in from) return from.seq;
    const [row] = await db
      .select({ seq: auditEvents.seq })
      .from(auditEvents)
      .where(gte(auditEvents.createdAt, from.at))
      .orderBy(asc(auditEvents.seq))
      .limit(1);
    if (!row) throw AppError.field("from", `No audit event was recorded at or after ${from.at.toISOString()}.`);
    return Number(row.seq);
  };
  const seqTo = async () => {
    if ("seq" in to) return to.seq;
    const [row] = await db
      .select({ seq: auditEvents.seq })
      .from(auditEvents)
      .where(lte(auditEvents.createdAt, to.at))
      .orderBy(desc(auditEvents.seq))
      .limit(1);
    if (!row) throw AppError.field("to", `No audit event was recorded at or before ${to.at.toISOString()}.`);
    return Number(row.seq);
  };
  const fromSeq = await seqFrom();
  const toSeq = await seqTo();
  if (fromSeq > head)
    throw AppError.field("from", `The audit trail ends at sequence ${head}; --from ${fromSeq} is past it.`);
  if (toSeq > head) throw AppError.field("to", `The audit trail ends at sequence ${head}; --to ${toSeq} is past it.`);
  if (fromSeq > toSeq)
    throw AppError.field("to", `The range is empty: it starts at sequence ${fromSeq} and ends at ${toSeq}.`);
  return { fromSeq, toSeq };
}

function toArchiveRow(row: AuditEvent): ArchiveRow {
  return {
    type: "row",
    ...toChainedRecord(row),
    prevHash: row.prevHash,
    hash: row.hash,
    keyId: row.keyId,
    signature: row.signature,
  };
}

/**
 * Writes the rows `fromSeq..toSeq` to `outFile` (refusing to overwrite a file), verifying the
 * chain as it goes, then appends an `audit.archived` event naming the range, the row count, the
 * checkpoint hash and the file's SHA-256. The file appears under its name only once complete.
 */
export async function archiveAuditRange(
  db: Database,
  actor: Actor,
  range: { fromSeq: number; toSeq: number },
  outFile: string,
  batchSize = 1000,
  verifier: AuditVerifier = auditSigner(),
): Promise<ArchiveResult> {
  const { fromSeq, toSeq } = range;
  if (existsSync(outFile))
    throw AppError.field("out", `${outFile} already exists; archives are never overwritten, choose another name.`);
  const partial = `${outFile}.partial-${process.pid}`;
  const digest = createHash("sha256");
  const stream = createWriteStream(partial, { flags: "wx", mode: 0o600 });
  const write = async (value: unknown) => {
    const line = `${JSON.stringify(value)}\n`;
    digest.update(line);
    if (!stream.write(line)) await once(stream, "drain");
  };
  try {
    await once(stream, "open");
    const [first] = await db.select(auditRowColumns).from(auditEvents).where(eq(auditEvents.seq, fromSeq));
    if (!first) throw AppError.field("from", `There is no audit event with sequence ${fromSeq}.`);
    const header: ArchiveHeader = {
      type: "header",
      format: ARCHIVE_FORMAT,
      version: ARCHIVE_VERSION,
      exportedAt: new Date().toISOString(),
      fromSeq,
      toSeq,
      startPrevHash: first.prevHash,
    };
    await write(header);
    const rowsInOrder = createRowChecker(first.prevHash, fromSeq, verifier);
    let lastSeq = fromSeq - 1;
    let lastHash = "";
    let rowCount = 0;
    for (;;) {
      const rows = await db
        .select(auditRowColumns)
        .from(auditEvents)
        .where(and(gt(auditEvents.seq, lastSeq), lte(auditEvents.seq, toSeq)))
        .orderBy(asc(auditEvents.seq))
        .limit(batchSize);
      for (const row of rows) {
        const archived = toArchiveRow(row);
        // An archive of a broken chain would certify it; refuse and name the row instead.
        if (rowsInOrder(archived))
          throw new AppError(
            "CONFLICT",
            `The audit chain is broken at sequence ${archived.seq}; run npm run audit:verify. Nothing was archived.`,
          );
        await write(archived);
        lastHash = archived.hash ?? archived.signature!;
        lastSeq = archived.seq;
        rowCount++;
      }
      if (rows.length < batchSize) break;
    }
    if (lastSeq !== toSeq)
      throw new AppError(
        "CONFLICT",
        `The audit chain is broken at sequence ${toSeq}; run npm run audit:verify. Nothing was archived.`,
      );
    const checkpoint: ArchiveCheckpoint = {
      type: "checkpoint",
      rowCount,
      fromSeq,
      toSeq,
      startPrevHash: header.startPrevHash,
      lastSeq,
      lastHash,
    };
    await write(checkpoint);
    stream.end();
    await once(stream, "finish");
    const sha256 = digest.digest("hex");
    linkSync(partial, outFile); // fails rather than replace a file that appeared meanwhile
    rmSync(partial);
    const event = await db.transaction((tx) =>
      appendAuditEvent(tx, actor, {
        eventType: "audit.archived",
        outcome: "success",
        entityType: "audit",
        entityId: `${fromSeq}-${toSeq}`,
        meta: {
          fromSeq,
          toSeq,
          rowCount,
          startPrevHash: header.startPrevHash,
          checkpointSeq: lastSeq,
          checkpointHash: lastHash,
          fileSha256: sha256,
          fileName: path.basename(outFile),
        },
      }),
    );
    return {
      file: outFile,
      fromSeq,
      toSeq,
      rowCount,
      checkpointHash: lastHash,
      startPrevHash: header.startPrevHash,
      sha256,
      auditSeq: event.seq,
    };
  } catch (error) {
    stream.destroy();
    rmSync(partial, { force: true });
    throw error;
  }
}

export type ArchiveVerification =
  | {
      ok: true;
      fromSeq: number;
      toSeq: number;
      rowCount: number;
      startPrevHash: string | null;
      lastHash: string;
      sha256: string;
    }
  | { ok: false; line: number; problem: string };

/**
 * Checks archive rows in order: a row from before signing began must follow the one before it
 * gap-free and match its SHA-256 link; a signed row must carry a valid signature by one of the
 * verifier's keys and come after the one before it (a rolled-back append leaves a gap). Returns
 * the problem with a row, or null.
 */
function createRowChecker(
  startPrevHash: string | null,
  fromSeq: number,
  verifier: AuditVerifier,
): (row: ArchiveRow) => string | null {
  let prevHash = startPrevHash;
  let lastSeq = fromSeq - 1;
  let first = true;
  return (row) => {
    const { type: _type, prevHash: rowPrev, hash, keyId, signature, ...record } = row;
    const follows = first ? row.seq === fromSeq : row.seq > lastSeq;
    first = false;
    if (signature) {
      if (!follows) return `expected a sequence after ${lastSeq}, found ${String(row.seq)}: rows are out of order`;
      if (!keyId || !verifier.verify(keyId, rowMessage(record, keyId), signature))
        return `sequence ${row.seq} does not match Keel's signature: the row was edited or was not written by Keel`;
      prevHash = null;
    } else {
      if (row.seq !== lastSeq + 1)
        return `expected sequence ${lastSeq + 1}, found ${String(row.seq)}: a row is missing or out of order`;
      if (rowPrev !== prevHash || prevHash === null)
        return `sequence ${row.seq}'s prev_hash does not match the hash before it`;
      if (chainHash(prevHash, record) !== hash)
        return `sequence ${row.seq}'s contents do not match its hash: the row was edited`;
      prevHash = hash;
    }
    lastSeq = row.seq;
    return null;
  };
}

/**
 * Verifies an archive file's text on its own, without a database, with Keel's public key(s):
 * the header and checkpoint agree, the rows run in order from `fromSeq`, each row from before
 * signing began links the one before by SHA-256 and each signed row carries a valid signature,
 * and the last equals the checkpoint. To tie it to the live trail, compare it with the
 * `audit.archived` event, which records the range, the row count and the file's SHA-256.
 */
export function verifyArchive(text: string, verifier: AuditVerifier): ArchiveVerification {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const fail = (line: number, problem: string): ArchiveVerification => ({ ok: false, line, problem });
  const parsed: unknown[] = [];
  for (const [i, line] of lines.entries()) {
    try {
      parsed.push(JSON.parse(line));
    } catch {
      return fail(i + 1, "the line is not JSON");
    }
  }
  const header = parsed[0] as Partial<ArchiveHeader> | undefined;
  if (!header || header.type !== "header" || header.format !== ARCHIVE_FORMAT || header.version !== ARCHIVE_VERSION)
    return fail(1, `the first line is not a ${ARCHIVE_FORMAT} v${ARCHIVE_VERSION} header`);
  const checkpoint = parsed.at(-1) as Partial<ArchiveCheckpoint> | undefined;
  if (parsed.length < 2 || checkpoint?.type !== "checkpoint")
    return fail(lines.length, "the last line is not the checkpoint: the file is cut short");
  if (
    checkpoint.fromSeq !== header.fromSeq ||
    checkpoint.toSeq !== header.toSeq ||
    checkpoint.startPrevHash !== header.startPrevHash
  )
    return fail(lines.length, "the checkpoint and the header describe different ranges");
  const check = createRowChecker(header.startPrevHash ?? null, header.fromSeq!, verifier);
  const rows = parsed.slice(1, -1) as ArchiveRow[];
  let lastSeq = header.fromSeq! - 1;
  let lastHash = "";
  for (const [i, row] of rows.entries()) {
    const line = i + 2;
    if (row?.type !== "row") return fail(line, "expected an audit row");
    const problem = check(row);
    if (problem) return fail(line, problem);
    lastSeq = row.seq;
    lastHash = row.hash ?? row.signature!;
  }
  if (rows.length !== checkpoint.rowCount || lastSeq !== checkpoint.lastSeq || lastSeq !== header.toSeq)
    return fail(
      lines.length,
      `the checkpoint counts ${String(checkpoint.rowCount)} rows to sequence ${String(checkpoint.lastSeq)}, the file holds ${rows.length} to ${lastSeq}`,
    );
  if (checkpoint.lastHash !== lastHash) return fail(lines.length, "the checkpoint's hash is not the last row's hash");
  return {
    ok: true,
    fromSeq: header.fromSeq!,
    toSeq: header.toSeq!,
    rowCount: rows.length,
    startPrevHash: header.startPrevHash ?? null,
    lastHash,
    sha256: createHash("sha256").update(text).digest("hex"),
  };
}

import { chainHash, GENESIS_HASH, rowMessage, type ChainedRecord } from "./chain";
import type { AuditVerifier } from "./signing";

/**
 * Verifies an audit export (NDJSON or CSV, as written by GET /api/audit/export) without a
 * database, with Keel's public key(s) only: each signed row's Ed25519 signature must verify over
 * its own fields. Rows from before signing began carry a SHA-256 link instead: its hash is
 * recomputed from the row's fields and prev_hash, and wherever two such rows have consecutive
 * sequence numbers the later row's prev_hash must be the earlier row's hash. Algorithm: README,
 * "Verifying an audit export offline".
 */
export type ExportVerification =
  | {
      ok: true;
      rows: number;
      signed: number;
      linked: number;
      gaps: number;
      firstSeq: number | null;
      lastSeq: number | null;
    }
  | { ok: false; rows: number; line: number; seq: number | null; problem: string };

export type ExportRow = ChainedRecord & {
  prevHash: string | null;
  hash: string | null;
  keyId: string | null;
  signature: string | null;
};

const HEX64 = /^[0-9a-f]{64}$/;

class RowProblem extends Error {}

function text(value: unknown, field: string, nullable = false): string | null {
  if (value === null && nullable) return null;
  if (typeof value !== "string") throw new RowProblem(`${field} must be ${nullable ? "a string or null" : "a string"}`);
  return value;
}

function object(value: unknown, field: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new RowProblem(`${field} must be a JSON object`);
  return value as Record<string, unknown>;
}

/** A parsed row's fields, checked for shape. */
export function toExportRow(raw: Record<string, unknown>): ExportRow {
  const seq = raw.seq;
  if (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 1)
    throw new RowProblem("seq must be a positive integer");
  const keyId = text(raw.keyId ?? null, "keyId", true);
  const signature = text(raw.signature ?? null, "signature", true);
  const prevHash = text(raw.prevHash ?? null, "prevHash", signature !== null);
  const hash = text(raw.hash ?? null, "hash", signature !== null);
  if (signature === null && !HEX64.test(prevHash!)) throw new RowProblem("prevHash must be 64 hex digits");
  if (signature === null && !HEX64.test(hash!)) throw new RowProblem("hash must be 64 hex digits");
  if (signature !== null && !keyId) throw new RowProblem("keyId must name the key of a signed row");
  return {
    seq,
    id: text(raw.id, "id")!,
    eventType: text(raw.eventType, "eventType")!,
    actorUserId: text(raw.actorUserId, "actorUserId", true),
    actorLabel: text(raw.actorLabel, "actorLabel")!,
    sessionId: text(raw.sessionId, "sessionId", true),
    requestMeta: object(raw.requestMeta, "requestMeta"),
    eventMeta: object(raw.eventMeta, "eventMeta"),
    entityType: text(raw.entityType, "entityType", true),
    entityId: text(raw.entityId, "entityId", true),
    outcome: text(raw.outcome, "outcome")!,
    createdAt: text(raw.createdAt, "createdAt")!,
    prevHash,
    hash,
    keyId,
    signature,
  };
}

export function parseNdjsonRow(line: string): ExportRow {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    throw new RowProblem("the line is not valid JSON");
  }
  return toExportRow(object(raw, "the row"));
}

/** One CSV record's fields; an unquoted empty field is null, a quoted one a string. */
export function splitCsvRecord(record: string): Array<string | null> {
  const fields: Array<string | null> = [];
  let i = 0;
  for (;;) {
    if (record[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        const q = record.indexOf('"', i);
        if (q < 0) throw new RowProblem("a quoted field is not closed");
        value += record.slice(i, q);
        if (record[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      fields.push(value);
    } else {
      const end = record.indexOf(",", i);
      const value = record.slice(i, end < 0 ? record.length : end);
      if (value.includes('"')) throw new RowProblem("a field holds a stray quote");
      fields.push(value === "" ? null : value);
      i = end < 0 ? record.length : end;
    }
    if (i >= record.length) return fields;
    if (record[i] !== ",") throw new RowProblem("a quoted field is followed by something other than a comma");
    i++;
  }
}

const CSV_HEADER =
  "seq,id,event_type,actor_user_id,actor_label,session_id,request_meta,event_meta,entity_type,entity_id,outcome,created_at,prev_hash,hash,key_id,signature";

export function parseCsvRow(record: string): ExportRow {
  const f = splitCsvRecord(record) as [string | null, ...Array<string | null>];
  if (f.length !== 16) throw new RowProblem(`the row has ${f.length} fields, not 16`);
  const json = (value: string | null | undefined, field: string) => {
    try {
      return JSON.parse(value ?? "") as unknown;
    } catch {
      throw new RowProblem(`${field} is not valid JSON`);
    }
  };
  return toExportRow({
    seq: f[0] !== null && /^\d+$/.test(f[0]) ? Number(f[0]) : f[0],
    id: f[1],
    eventType: f[2],
    actorUserId: f[3],
    actorLabel: f[4],
    sessionId: f[5],
    requestMeta: json(f[6], "request_meta"),
    eventMeta: json(f[7], "event_meta"),
    entityType: f[8],
    entityId: f[9],
    outcome: f[10],
    createdAt: f[11],
    prevHash: f[12],
    hash: f[13],
    keyId: f[14],
    signature: f[15],
  });
}

/** Why a row's own fields do not verify, or null. */
function rowProblem(row: ExportRow, verifier: AuditVerifier): string | null {
  const { prevHash, hash, keyId, signature, ...record } = row;
  if (signature !== null) {
    if (!verifier.keys.has(keyId!)) return `it is signed by key ${keyId}, which is not among the public keys given`;
    return verifier.verify(keyId!, rowMessage(record, keyId!), signature)
      ? null
      : "its contents do not match Keel's signature: the row was edited";
  }
  if (record.seq === 1 && prevHash !== GENESIS_HASH) return "sequence 1 must have the genesis prev_hash (64 zeros)";
  return chainHash(prevHash!, record) === hash ? null : "its contents do not match its hash: the row was edited";
}

/**
 * Checks the rows of an export, line by line (constant memory). `lines` are physical lines;
 * CSV records spanning lines are joined. The first failure is reported with its line and seq.
 */
export async function verifyExportLines(
  lines: AsyncIterable<string> | Iterable<string>,
  format: "ndjson" | "csv",
  verifier: AuditVerifier,
): Promise<ExportVerification> {
  let lineNo = 0;
  let rows = 0;
  let linked = 0;
  let signed = 0;
  let gaps = 0;
  let previous: ExportRow | null = null;
  let direction = 0;
  let firstSeq: number | null = null;
  let pending = "";
  let pendingStart = 0;
  let headerSeen = false;
  for await (const physical of lines) {
    lineNo++;
    let record = physical.replace(/\r$/, "");
    if (format === "csv") {
      if (pending) {
        record = `${pending}\n${record}`;
      } else {
        pendingStart = lineNo;
      }
      if ((record.match(/"/g)?.length ?? 0) % 2 === 1) {
        pending = record;
        continue;
      }
      pending = "";
      if (!headerSeen) {
        headerSeen = true;
        if (record !== CSV_HEADER)
          return { ok: false, rows, line: 1, seq: null, problem: `the first line must be the header: ${CSV_HEADER}` };
        continue;
      }
    } else {
      pendingStart = lineNo;
    }
    if (record.trim() === "") continue;
    let row: ExportRow;
    try {
      row = format === "csv" ? parseCsvRow(record) : parseNdjsonRow(record);
    } catch (error) {
      return {
        ok: false,
        rows,
        line: pendingStart,
        seq: null,
        problem: error instanceof Error ? error.message : String(error),
      };
    }
    const fail = (problem: string): ExportVerification => ({
      ok: false,
      rows,
      line: pendingStart,
      seq: row.seq,
      problem,
    });
    const problem = rowProblem(row, verifier);
    if (problem) return fail(problem);
    if (previous) {
      const step = row.seq - previous.seq;
      if (step === 0 || (direction !== 0 && Math.sign(step) !== direction))
        return fail(`sequence ${row.seq} is out of order after ${previous.seq}`);
      direction = Math.sign(step);
      if (Math.abs(step) === 1 && row.signature === null && previous.signature === null) {
        const [earlier, later] = step === 1 ? [previous, row] : [row, previous];
        if (later.prevHash !== earlier.hash)
          return fail(
            `the prev_hash of sequence ${later.seq} is not the hash of sequence ${earlier.seq}: rows were changed, inserted or reordered`,
          );
        linked++;
      } else if (row.signature === null || previous.signature === null) {
        gaps++;
      }
    } else {
      firstSeq = row.seq;
    }
    if (row.signature !== null) signed++;
    previous = row;
    rows++;
  }
  if (pending)
    return {
      ok: false,
      rows,
      line: pendingStart,
      seq: null,
      problem: "a quoted field is not closed at the end of the file",
    };
  return { ok: true, rows, signed, linked, gaps, firstSeq, lastSeq: previous?.seq ?? null };
}

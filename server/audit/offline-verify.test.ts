import { describe, expect, it } from "vitest";
import { CSV_COLUMNS, toCsvLine, toNdjsonLine, type ExportedRow } from "../history/export";
import { chainHash, GENESIS_HASH, rowMessage, type ChainedRecord } from "./chain";
import { splitCsvRecord, verifyExportLines } from "./offline-verify";
import { createSigner, createVerifier } from "./signing";

const signer = createSigner(Buffer.alloc(32, 3).toString("base64"));
/** Only the public key: what someone verifying an export holds. */
const verifier = createVerifier([signer.current]);

function chain(records: Array<Partial<ChainedRecord>>, startSeq = 1, startHash = GENESIS_HASH): ExportedRow[] {
  let prev = startHash;
  return records.map((partial, i) => {
    const record: ChainedRecord = {
      seq: startSeq + i,
      id: `00000000-0000-4000-8000-00000000000${i}`,
      eventType: "run.started",
      actorUserId: null,
      actorLabel: "system",
      sessionId: null,
      requestMeta: {},
      eventMeta: {},
      entityType: null,
      entityId: null,
      outcome: "success",
      createdAt: new Date(Date.UTC(2026, 11, 1, 9, 0, i)).toISOString(),
      ...partial,
    };
    const row = { ...record, prevHash: prev, hash: chainHash(prev, record), keyId: null, signature: null };
    prev = row.hash;
    return row;
  });
}

const awkward = chain([
  {
    entityType: "",
    entityId: 'a "quoted", comma\nand a new line',
    eventMeta: { note: 'déjà vu, "x"', n: 1.5, nested: { b: [1, null, "z"] } },
  },
  {
    actorUserId: "6a1f0a2c-0000-4000-8000-000000000001",
    actorLabel: "ann@example.com",
    requestMeta: { ip: "203.0.113.9" },
  },
  { eventType: "step.failed", outcome: "failure" },
]);

describe("offline export verification", () => {
  it("accepts NDJSON and CSV of a chain in either order, keeping null and the empty string apart", async () => {
    const ndjson = awkward.map((row) => toNdjsonLine(row).trimEnd());
    expect(await verifyExportLines(ndjson, "ndjson", verifier)).toEqual({
      ok: true,
      rows: 3,
      signed: 0,
      linked: 2,
      gaps: 0,
      firstSeq: 1,
      lastSeq: 3,
    });
    expect(await verifyExportLines([...ndjson].reverse(), "ndjson", verifier)).toMatchObject({
      ok: true,
      linked: 2,
      firstSeq: 3,
      lastSeq: 1,
    });
    const csv = [CSV_COLUMNS.join(","), ...awkward.map((row) => toCsvLine(row))].join("\r\n").split("\n");
    expect(await verifyExportLines(csv, "csv", verifier)).toMatchObject({ ok: true, rows: 3, linked: 2 });
    expect(splitCsvRecord(`1,"",,"x""y"`)).toEqual(["1", "", null, 'x"y']);
  });

  it("names the row that was edited, reordered or relinked, and the first row's genesis", async () => {
    const lines = awkward.map((row) => JSON.stringify(row));
    const edited = [...lines];
    edited[1] = JSON.stringify({ ...awkward[1], actorLabel: "bob@example.com" });
    expect(await verifyExportLines(edited, "ndjson", verifier)).toMatchObject({
      ok: false,
      line: 2,
      seq: 2,
      problem: expect.stringContaining("edited"),
    });
    expect(await verifyExportLines([lines[0]!, lines[2]!, lines[1]!], "ndjson", verifier)).toMatchObject({
      ok: false,
      line: 3,
      seq: 2,
      problem: expect.stringContaining("out of order"),
    });
    // A row re-hashed after editing still fails: its successor's prev_hash no longer matches.
    const rehashed = chain([{ actorLabel: "mallory" }], 2, awkward[0]!.hash!)[0]!;
    expect(await verifyExportLines([lines[0]!, JSON.stringify(rehashed), lines[2]!], "ndjson", verifier)).toMatchObject(
      { ok: false, line: 3, seq: 3, problem: expect.stringContaining("prev_hash") },
    );
    const forgedStart = chain([{}], 1, "f".repeat(64));
    expect(await verifyExportLines([JSON.stringify(forgedStart[0])], "ndjson", verifier)).toMatchObject({
      ok: false,
      seq: 1,
      problem: expect.stringContaining("genesis"),
    });
    expect(await verifyExportLines(["{not json"], "ndjson", verifier)).toMatchObject({ ok: false, line: 1, seq: null });
    expect(await verifyExportLines(["seq,id"], "csv", verifier)).toMatchObject({
      ok: false,
      line: 1,
      problem: expect.stringContaining("header"),
    });
  });

  it("checks continuity only across consecutive sequences in a filtered export", async () => {
    const rows = chain([{}, {}, {}, {}, {}]);
    const filtered = [rows[4]!, rows[3]!, rows[1]!].map((row) => JSON.stringify(row));
    expect(await verifyExportLines(filtered, "ndjson", verifier)).toMatchObject({
      ok: true,
      rows: 3,
      linked: 1,
      gaps: 1,
    });
  });

  it("verifies signed rows with the public key alone, and names an edited or foreign-signed row", async () => {
    const signed = chain([{}, { eventType: "step.failed" }, {}], 40).map((row) => {
      const { prevHash: _p, hash: _h, keyId: _k, signature: _s, ...record } = row;
      return {
        ...record,
        prevHash: null,
        hash: null,
        keyId: signer.current.keyId,
        signature: signer.sign(rowMessage(record, signer.current.keyId)),
      };
    });
    const lines = signed.map((row) => JSON.stringify(row));
    expect(await verifyExportLines(lines, "ndjson", verifier)).toMatchObject({ ok: true, rows: 3, signed: 3, gaps: 0 });
    const csv = [CSV_COLUMNS.join(","), ...signed.map((row) => toCsvLine(row))].join("\r\n").split("\n");
    expect(await verifyExportLines(csv, "csv", verifier)).toMatchObject({ ok: true, rows: 3, signed: 3 });
    const edited = [...lines];
    edited[1] = JSON.stringify({ ...signed[1], outcome: "failure" });
    expect(await verifyExportLines(edited, "ndjson", verifier)).toMatchObject({
      ok: false,
      line: 2,
      seq: 41,
      problem: expect.stringContaining("signature"),
    });
    const other = createSigner(Buffer.alloc(32, 4).toString("base64"));
    const foreign = {
      ...signed[0],
      keyId: other.current.keyId,
      signature: other.sign(rowMessage({ ...signed[0]!, seq: 40 }, other.current.keyId)),
    };
    expect(await verifyExportLines([JSON.stringify(foreign)], "ndjson", verifier)).toMatchObject({
      ok: false,
      line: 1,
      problem: expect.stringContaining("not among the public keys"),
    });
  });
});

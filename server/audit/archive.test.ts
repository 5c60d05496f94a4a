import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { systemActor } from "./actor";
import { appendAuditEvent } from "./append";
import { archiveAuditRange, parseArchiveBound, resolveArchiveRange, verifyArchive } from "./archive";
import { GENESIS_HASH } from "./chain";
import { verifyAuditChain } from "./verify";
import { auditSigner } from "./keys";
import { createSigner, createVerifier } from "./signing";

const driver = process.env.TEST_DATABASE_URL ? "postgres" : "pglite";
const actor = { userId: null, label: "cli:audit-archive (test)", sessionId: null, request: { userAgent: "vitest" } };

let handle: TestDatabase;
let dir: string;

beforeAll(async () => {
  handle = await createTestDatabase();
  dir = mkdtempSync(path.join(os.tmpdir(), "keel-archive-"));
  for (let i = 0; i < 12; i++) {
    await handle.db.transaction((tx) =>
      appendAuditEvent(tx, systemActor({ requestId: `r${i}` }), {
        eventType: "archive.test",
        outcome: i % 3 === 0 ? "refused" : "success",
        entityType: "test",
        entityId: `e${i}`,
        meta: { i, nested: { list: [i, "x", null], ünï: "✓" } },
      }),
    );
  }
}, 60_000);

afterAll(async () => {
  expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });
  rmSync(dir, { recursive: true, force: true });
  await handle.drop();
});

async function rows() {
  return handle.db.select().from(auditEvents).orderBy(asc(auditEvents.seq));
}

describe(`audit archive (${driver})`, () => {
  it("exports a closed range with every field and its checkpoint, verifies offline, records audit.archived, and deletes nothing", async () => {
    const all = await rows();
    const fromSeq = Number(all[2]!.seq);
    const toSeq = Number(all.at(-3)!.seq);
    const out = path.join(dir, "range.ndjson");

    const result = await archiveAuditRange(handle.db, actor, { fromSeq, toSeq }, out, 4);
    const text = readFileSync(out, "utf8");
    const sha256 = createHash("sha256").update(text).digest("hex");
    expect(result).toMatchObject({
      fromSeq,
      toSeq,
      rowCount: toSeq - fromSeq + 1,
      sha256,
      startPrevHash: null,
      checkpointHash: all.find((r) => Number(r.seq) === toSeq)!.signature,
    });

    // Offline: only the file's text.
    expect(verifyArchive(text, auditSigner())).toEqual({
      ok: true,
      fromSeq,
      toSeq,
      rowCount: toSeq - fromSeq + 1,
      startPrevHash: null,
      lastHash: result.checkpointHash,
      sha256,
    });

    const lines = text
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({
      type: "header",
      format: "keel.audit-archive",
      version: 2,
      fromSeq,
      toSeq,
      startPrevHash: null,
    });
    expect(lines.at(-1)).toEqual({
      type: "checkpoint",
      rowCount: toSeq - fromSeq + 1,
      fromSeq,
      toSeq,
      startPrevHash: null,
      lastSeq: toSeq,
      lastHash: result.checkpointHash,
    });
    const stored = all.find((r) => Number(r.seq) === fromSeq)!;
    expect(lines[1]).toEqual({
      type: "row",
      seq: fromSeq,
      id: stored.id,
      eventType: stored.eventType,
      actorUserId: stored.actorUserId,
      actorLabel: stored.actorLabel,
      sessionId: stored.sessionId,
      requestMeta: stored.requestMeta,
      eventMeta: stored.eventMeta,
      entityType: stored.entityType,
      entityId: stored.entityId,
      outcome: stored.outcome,
      createdAt: stored.createdAt.toISOString(),
      prevHash: null,
      hash: null,
      keyId: stored.keyId,
      signature: stored.signature,
    });

    const after = await rows();
    expect(after.slice(0, all.length)).toEqual(all);
    expect(after).toHaveLength(all.length + 1);
    const [event] = await handle.db.select().from(auditEvents).where(eq(auditEvents.eventType, "audit.archived"));
    expect(event).toMatchObject({
      seq: result.auditSeq,
      actorLabel: "cli:audit-archive (test)",
      outcome: "success",
      entityType: "audit",
      entityId: `${fromSeq}-${toSeq}`,
      eventMeta: {
        fromSeq,
        toSeq,
        rowCount: toSeq - fromSeq + 1,
        startPrevHash: null,
        checkpointSeq: toSeq,
        checkpointHash: result.checkpointHash,
        fileSha256: sha256,
        fileName: "range.ndjson",
      },
    });
    expect(readdirSync(dir)).toEqual(["range.ndjson"]);
  });

  it("an archive of signed rows starts with no hash: each row carries its own signature", async () => {
    const out = path.join(dir, "start.ndjson");
    const result = await archiveAuditRange(handle.db, actor, { fromSeq: 1, toSeq: 3 }, out);
    expect(result.startPrevHash).toBeNull();
    expect(verifyArchive(readFileSync(out, "utf8"), auditSigner())).toMatchObject({ ok: true, rowCount: 3 });
  });

  it("names what is wrong in a tampered, reordered, shortened or cut archive", async () => {
    const out = path.join(dir, "tamper.ndjson");
    await archiveAuditRange(handle.db, actor, { fromSeq: 2, toSeq: 8 }, out);
    const lines = readFileSync(out, "utf8").trimEnd().split("\n");
    const edit = (index: number, change: (row: Record<string, unknown>) => void) => {
      const copy = [...lines];
      const row = JSON.parse(copy[index]!) as Record<string, unknown>;
      change(row);
      copy[index] = JSON.stringify(row);
      return `${copy.join("\n")}\n`;
    };
    expect(
      verifyArchive(
        edit(3, (r) => ((r.eventMeta as Record<string, unknown>).i = 99)),
        auditSigner(),
      ),
    ).toEqual({
      ok: false,
      line: 4,
      problem: "sequence 4 does not match Keel's signature: the row was edited or was not written by Keel",
    });
    expect(
      verifyArchive(
        edit(3, (r) => (r.actorLabel = "someone else")),
        auditSigner(),
      ),
    ).toMatchObject({ ok: false, line: 4 });
    const withoutRow = [...lines.slice(0, 3), ...lines.slice(4)].join("\n");
    expect(verifyArchive(withoutRow, auditSigner())).toMatchObject({
      ok: false,
      problem: expect.stringContaining("the checkpoint counts 7 rows"),
    });
    const swapped = [lines[0], lines[1], lines[3], lines[2], ...lines.slice(4)].join("\n");
    expect(verifyArchive(swapped, auditSigner())).toMatchObject({
      ok: false,
      line: 4,
      problem: expect.stringContaining("out of order"),
    });
    expect(verifyArchive(lines.slice(0, -1).join("\n"), auditSigner())).toMatchObject({
      ok: false,
      problem: expect.stringContaining("cut short"),
    });
    expect(
      verifyArchive(
        edit(lines.length - 1, (r) => (r.lastHash = "f".repeat(64))),
        auditSigner(),
      ),
    ).toMatchObject({ ok: false, problem: "the checkpoint's hash is not the last row's hash" });
    expect(
      verifyArchive(
        edit(0, (r) => (r.startPrevHash = GENESIS_HASH)),
        auditSigner(),
      ),
    ).toMatchObject({ ok: false });
    const otherKey = createVerifier([createSigner(Buffer.alloc(32, 5).toString("base64")).current]);
    expect(verifyArchive(`${lines.join("\n")}\n`, otherKey)).toMatchObject({
      ok: false,
      line: 2,
      problem: expect.stringContaining("signature"),
    });
    expect(verifyArchive("not json\n", auditSigner())).toEqual({ ok: false, line: 1, problem: "the line is not JSON" });
  });

  it("reads --from/--to as sequence numbers or dates, and refuses bad ranges without recording anything", async () => {
    const all = await rows();
    expect(parseArchiveBound("12", "from")).toEqual({ seq: 12 });
    expect(parseArchiveBound("2026-11-01", "from")).toEqual({ at: new Date("2026-11-01T00:00:00.000Z") });
    expect(parseArchiveBound("2026-11-01", "to")).toEqual({ at: new Date("2026-11-01T23:59:59.999Z") });
    expect(parseArchiveBound("2026-11-01T10:00:00+02:00", "to")).toEqual({ at: new Date("2026-11-01T08:00:00.000Z") });
    for (const bad of ["0", "-3", "yesterday", "2026-02-30", "12abc", ""]) {
      expect(() => parseArchiveBound(bad, "from"), bad).toThrow(/--from must be/);
    }

    const first = all[0]!;
    const third = all[2]!;
    expect(await resolveArchiveRange(handle.db, { at: first.createdAt }, { at: third.createdAt })).toMatchObject({
      fromSeq: 1,
    });
    expect(await resolveArchiveRange(handle.db, { at: new Date(0) }, { seq: 3 })).toEqual({ fromSeq: 1, toSeq: 3 });

    const count = all.length;
    const head = Number(all.at(-1)!.seq);
    await expect(resolveArchiveRange(handle.db, { seq: 5 }, { seq: 4 })).rejects.toMatchObject({
      details: { fields: { to: expect.stringContaining("empty") } },
    });
    await expect(resolveArchiveRange(handle.db, { seq: 1 }, { seq: head + 1 })).rejects.toMatchObject({
      details: { fields: { to: expect.stringContaining(`ends at sequence ${head}`) } },
    });
    await expect(
      resolveArchiveRange(handle.db, { at: new Date(Date.now() + 86_400_000) }, { seq: 2 }),
    ).rejects.toMatchObject({ details: { fields: { from: expect.any(String) } } });

    const taken = path.join(dir, "taken.ndjson");
    writeFileSync(taken, "keep me\n");
    await expect(archiveAuditRange(handle.db, actor, { fromSeq: 1, toSeq: 2 }, taken)).rejects.toMatchObject({
      details: { fields: { out: expect.stringContaining("never overwritten") } },
    });
    expect(readFileSync(taken, "utf8")).toBe("keep me\n");
    expect(await rows()).toHaveLength(count);
    expect(readdirSync(dir).some((name) => name.includes(".partial-"))).toBe(false);
  });

  it("cannot delete what it archived: the audit trail refuses deletes", async () => {
    const before = (await rows()).length;
    await expect(handle.db.execute(sql`delete from audit_events where seq <= 3`)).rejects.toThrow();
    expect(await rows()).toHaveLength(before);
    expect(existsSync(path.join(dir, "range.ndjson"))).toBe(true);
  });
});

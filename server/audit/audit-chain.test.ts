import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { asc, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Queryable } from "@/db/client";
import { queryRows } from "@/db/execute";
import { auditChain, auditEvents, users } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { uniqueEmail } from "@/test/support/users";
import { appendAuditEvent } from "./append";
import { systemActor } from "./actor";
import { linkHash, rowMessage, sha256 } from "./chain";
import { linkPendingAuditEvents } from "./chainer";
import { fingerprintSecret } from "./fingerprint";
import { toChainedRecord } from "./record";
import { verifyAuditChain } from "./verify";
import { chainTip, writeCheckpoint } from "./witness";
import { auditSigner } from "./keys";

let handle: TestDatabase;
let witnessDir: string;
const opened: TestDatabase[] = [];
/** A fresh database for the describe block that follows; the helpers below work on the newest. */
async function freshDatabase() {
  handle = await createTestDatabase();
  opened.push(handle);
}
beforeAll(async () => {
  await freshDatabase();
  witnessDir = mkdtempSync(path.join(os.tmpdir(), "keel-witness-"));
});
afterAll(async () => {
  for (const db of opened) await db.drop();
  rmSync(witnessDir, { recursive: true, force: true });
});

const actor = systemActor({ requestId: "test", ip: "203.0.113.1", userAgent: "vitest" });

async function appendSome(n: number) {
  for (let i = 0; i < n; i++) {
    await appendAuditEvent(handle.db, actor, {
      eventType: "test.event",
      outcome: "success",
      entityType: "test",
      entityId: String(i),
      meta: { i, note: `row ${i}` },
    });
  }
}

const SUPERUSER_OFF = ["audit_events", "audit_chain", "audit_chain_head"].map(
  (t) => `alter table ${t} disable trigger user`,
);

/** Tampers with the trail (as a superuser when `superuser`, triggers off), verifies, then rolls everything back. */
async function verifyAfterTamper(
  options: { superuser: boolean; witnessFiles?: string[] },
  tamper: (tx: Queryable) => Promise<void>,
) {
  let result: Awaited<ReturnType<typeof verifyAuditChain>> | undefined;
  try {
    await handle.db.transaction(async (tx) => {
      if (options.superuser) for (const statement of SUPERUSER_OFF) await tx.execute(sql.raw(statement));
      await tamper(tx);
      result = await verifyAuditChain(tx, { witnessFiles: options.witnessFiles });
      throw new Error("roll back the tampering");
    });
  } catch (error) {
    if ((error as Error).message !== "roll back the tampering") throw error;
  }
  return result!;
}

/** Runs `;`-separated statements one by one. */
const raw = (statements: string) => async (tx: Queryable) => {
  for (const statement of statements.split(";")) await tx.execute(sql.raw(statement));
};

/** Recomputes every chain entry from `fromSeq` on as someone without the key would, and moves the head to match. */
async function recomputeChainFrom(tx: Queryable, fromPos: number) {
  const entries = await tx.select().from(auditChain).orderBy(asc(auditChain.pos));
  let prev = entries.find((e) => Number(e.pos) === fromPos - 1)?.hash ?? "0".repeat(64);
  for (const entry of entries.filter((e) => Number(e.pos) >= fromPos)) {
    const [event] = await tx
      .select()
      .from(auditEvents)
      .where(sql`seq = ${entry.eventSeq}`);
    const hash = linkHash(
      prev,
      Number(entry.pos),
      Number(entry.eventSeq),
      sha256(rowMessage(toChainedRecord(event!), event!.keyId!)),
    );
    await tx.execute(sql`update audit_chain set prev_hash = ${prev}, hash = ${hash} where pos = ${entry.pos}`);
    prev = hash;
  }
  await tx.execute(sql`update audit_chain_head set hash = ${prev}`);
}

const driver = process.env.TEST_DATABASE_URL ? "postgres" : "pglite";

describe(`audit chain (${driver})`, () => {
  it("signs every row, links committed rows in order and verifies end to end", async () => {
    await appendSome(8);
    expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true, count: 8, pending: 8, tip: null });
    const pass = await linkPendingAuditEvents(handle.db);
    expect(pass).toMatchObject({ linked: 8, refused: [], head: { pos: 8 } });
    expect(await linkPendingAuditEvents(handle.db)).toMatchObject({ linked: 0 });
    expect(await verifyAuditChain(handle.db)).toMatchObject({
      ok: true,
      count: 8,
      pending: 0,
      signedFromSeq: 1,
      tip: { pos: 8, seq: 8 },
    });
    const rows = await handle.db.select().from(auditEvents).orderBy(auditEvents.seq);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(rows.every((r) => r.keyId === auditSigner().current.keyId && r.signature && r.hash === null)).toBe(true);
    const entries = await handle.db.select().from(auditChain).orderBy(auditChain.pos);
    expect(entries.map((e) => e.eventSeq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // Only the last entry of the pass is signed.
    expect(entries.map((e) => e.signature !== null)).toEqual([false, false, false, false, false, false, false, true]);
  });

  it("refuses UPDATE, DELETE and TRUNCATE of rows, chain entries and the head, and an entry that does not extend the head", async () => {
    for (const statement of [
      "update audit_events set event_type = 'x' where seq = 1",
      "delete from audit_events where seq = 1",
      "truncate audit_events",
      "update audit_chain set hash = 'x' where pos = 1",
      "delete from audit_chain where pos = 8",
      "truncate audit_chain",
      "update audit_chain_head set seq = 3",
      "delete from audit_chain_head",
      "insert into audit_chain (pos, event_seq, prev_hash, hash) values (12, 999, 'x', 'y')",
      // Several entries in one statement: the first extends the head, the second does not link to it.
      "insert into audit_chain (pos, event_seq, prev_hash, hash) select seq + 1, 1001, hash, 'a' from audit_chain_head union all select seq + 2, 1002, 'not-a', 'b' from audit_chain_head",
      // Linked, but with a position skipped.
      "insert into audit_chain (pos, event_seq, prev_hash, hash) select seq + 1, 1001, hash, 'a' from audit_chain_head union all select seq + 3, 1002, 'a', 'b' from audit_chain_head",
    ]) {
      await expect(handle.db.execute(sql.raw(statement)), statement).rejects.toThrow();
    }
    // The database draws seq itself: an INSERT cannot choose a position.
    const [row] = await queryRows<{ seq: string }>(
      handle.db,
      sql`insert into audit_events (seq, id, event_type, actor_label, request_meta, event_meta, outcome, created_at) values (3, gen_random_uuid(), 'forged', 'mallory', '{}', '{}', 'success', now()) returning seq::text`,
    );
    expect(Number(row!.seq)).toBe(9);
    const forged = await verifyAuditChain(handle.db);
    expect(forged).toMatchObject({ ok: false, brokenSeq: 9 });
    expect(forged.ok === false && forged.problem).toContain("no Keel signature");
    // The chainer leaves it out of the chain.
    expect(await linkPendingAuditEvents(handle.db)).toMatchObject({ linked: 0, refused: [9] });
  });
});

describe(`tampering is detected and named (${driver})`, () => {
  let files: string[];
  beforeAll(async () => {
    await freshDatabase();
    await appendSome(10);
    await linkPendingAuditEvents(handle.db);
    await appendSome(2); // two more passes, so that signed entries sit at positions 10 and 12
    await linkPendingAuditEvents(handle.db);
    files = [path.join(witnessDir, `${driver}-tamper.ndjson`)];
    writeCheckpoint(auditSigner(), files, await chainTip(handle.db));
    expect(await verifyAuditChain(handle.db, { witnessFiles: files })).toMatchObject({
      ok: true,
      count: 12,
      witness: { seq: 12 },
    });
  });

  it("an edited row", async () => {
    const r = await verifyAfterTamper(
      { superuser: true },
      raw(`update audit_events set event_meta = '{"i": 99}' where seq = 4`),
    );
    expect(r).toMatchObject({ ok: false, brokenSeq: 4, problem: expect.stringContaining("edited") });
  });

  it("a row deleted in the middle", async () => {
    const r = await verifyAfterTamper({ superuser: true }, raw("delete from audit_events where seq = 5"));
    expect(r).toMatchObject({ ok: false, brokenSeq: 5, problem: expect.stringContaining("deleted") });
    const both = await verifyAfterTamper(
      { superuser: true },
      raw("delete from audit_events where seq = 5; delete from audit_chain where pos = 5"),
    );
    expect(both).toMatchObject({ ok: false, brokenSeq: 5, problem: expect.stringContaining("missing") });
  });

  it("two rows swapped", async () => {
    const r = await verifyAfterTamper(
      { superuser: true },
      raw(
        "update audit_events set seq = -2 where seq = 2; update audit_events set seq = 2 where seq = 3; update audit_events set seq = 3 where seq = -2",
      ),
    );
    expect(r).toMatchObject({ ok: false, brokenSeq: 2 });
  });

  it("a forged row linked into the chain by the app's own role, with no trigger bypassed", async () => {
    const r = await verifyAfterTamper({ superuser: false }, async (tx) => {
      const [forged] = await queryRows<{ seq: string }>(
        tx,
        sql`insert into audit_events (id, event_type, actor_label, request_meta, event_meta, outcome, created_at) values (gen_random_uuid(), 'user.created', 'admin@keel.local', '{}', '{}', 'success', now()) returning seq::text`,
      );
      const [head] = await queryRows<{ seq: string; hash: string }>(
        tx,
        sql`select seq::text, hash from audit_chain_head`,
      );
      await tx.execute(
        sql`insert into audit_chain (pos, event_seq, prev_hash, hash) values (${Number(head!.seq) + 1}, ${Number(forged!.seq)}, ${head!.hash}, ${"a".repeat(64)})`,
      );
      // Keel's chainer will not vouch for it by extending the chain past it.
      await expect(linkPendingAuditEvents(tx as never)).rejects.toThrow("not written by Keel");
    });
    expect(r).toMatchObject({ ok: false, brokenSeq: 13 });
  });

  it("rows deleted from the end, with the head moved back: caught by the witness", async () => {
    const cut = async (tx: Queryable) => {
      await raw("delete from audit_events where seq > 10; delete from audit_chain where pos > 10")(tx);
      await tx.execute(sql`update audit_chain_head set seq = 10, hash = (select hash from audit_chain where pos = 10)`);
    };
    const r = await verifyAfterTamper({ superuser: true, witnessFiles: files }, cut);
    expect(r).toMatchObject({
      ok: false,
      brokenSeq: 11,
      problem: expect.stringContaining("witness recorded the chain up to sequence 12"),
    });
  });

  it("an edited row with every later hash and the head recomputed", async () => {
    const r = await verifyAfterTamper({ superuser: true }, async (tx) => {
      await tx.execute(sql`update audit_events set event_meta = '{"i": 99}' where seq = 4`);
      await recomputeChainFrom(tx, 4);
    });
    expect(r).toMatchObject({ ok: false, brokenSeq: 4, problem: expect.stringContaining("sequence 4 was edited") });
  });

  it("the head moved back", async () => {
    const r = await verifyAfterTamper(
      { superuser: true },
      raw("update audit_chain_head set seq = 9, hash = (select hash from audit_chain where pos = 9)"),
    );
    expect(r).toMatchObject({ ok: false, brokenSeq: 10, problem: expect.stringContaining("moved back") });
  });

  it("a database restored from an older backup: a rollback", async () => {
    // The backup: the whole trail as it stood at sequence 10 (the rows after it never happened there).
    const r = await verifyAfterTamper({ superuser: true, witnessFiles: files }, async (tx) => {
      await raw("delete from audit_events where seq > 10; delete from audit_chain where pos > 10")(tx);
      await tx.execute(sql`update audit_chain_head set seq = 10, hash = (select hash from audit_chain where pos = 10)`);
      await raw(
        "alter table audit_events enable trigger user; alter table audit_chain enable trigger user; alter table audit_chain_head enable trigger user",
      )(tx);
    });
    expect(r).toMatchObject({ ok: false, problem: expect.stringContaining("rollback") });
  });

  it("a checkpoint file line someone forged is not believed", async () => {
    const forgedFiles = [path.join(witnessDir, `${driver}-forged.ndjson`)];
    const { writeFileSync } = await import("node:fs");
    writeFileSync(
      forgedFiles[0]!,
      `${JSON.stringify({ v: 1, pos: 999, seq: 999, hash: "f".repeat(64), at: new Date().toISOString(), keyId: auditSigner().current.keyId, signature: "AAAA" })}\n`,
    );
    expect(await verifyAuditChain(handle.db, { witnessFiles: forgedFiles })).toMatchObject({ ok: true, witness: null });
  });

  it("verifies again once the tampering is gone", async () => {
    expect(await verifyAuditChain(handle.db, { witnessFiles: files })).toMatchObject({ ok: true, count: 12 });
  });
});

describe(`appends under concurrency (${driver})`, () => {
  it("links every committed row exactly once, gap-free, while writers commit and roll back and the chainer runs", async () => {
    await freshDatabase();
    let committed = 0;
    let stop = false;
    const chainer = (async () => {
      while (!stop) await linkPendingAuditEvents(handle.db, { batchSize: 7 });
    })();
    const writer = async (w: number) => {
      for (let i = 0; i < 25; i++) {
        const rollBack = (w + i) % 5 === 0;
        await handle.db
          .transaction(async (tx) => {
            await appendAuditEvent(tx, actor, { eventType: "test.concurrent", outcome: "success", meta: { w, i } });
            if (rollBack) throw new Error("rolled back");
          })
          .then(() => committed++)
          .catch((error: Error) => expect(error.message).toBe("rolled back"));
      }
    };
    await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(writer));
    stop = true;
    await chainer;
    await linkPendingAuditEvents(handle.db);
    const entries = await handle.db.select().from(auditChain).orderBy(auditChain.pos);
    expect(entries.map((e) => Number(e.pos))).toEqual(Array.from({ length: committed }, (_, i) => i + 1));
    expect(new Set(entries.map((e) => e.eventSeq)).size).toBe(committed);
    expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true, count: committed, pending: 0 });
  });

  it("a chainer pass that dies half-way leaves nothing behind; the next pass links everything", async () => {
    await appendSome(5);
    await expect(
      handle.db.transaction(async (tx) => {
        await linkPendingAuditEvents(tx as never);
        throw new Error("killed between linking and commit");
      }),
    ).rejects.toThrow("killed");
    const before = await verifyAuditChain(handle.db);
    expect(before).toMatchObject({ ok: true, pending: 5 });
    expect(await linkPendingAuditEvents(handle.db)).toMatchObject({ linked: 5 });
    expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true, pending: 0 });
  });

  it("stores secret-looking fields only as fingerprints", async () => {
    await appendAuditEvent(handle.db, actor, {
      eventType: "test.secret",
      outcome: "success",
      meta: { password: "p4ss-word-value", apiToken: "tok-123", plain: "visible" },
    });
    const [row] = await queryRows<{ event_meta: Record<string, unknown> }>(
      handle.db,
      sql`select event_meta from audit_events where event_type = 'test.secret'`,
    );
    expect(row!.event_meta).toEqual({
      password: fingerprintSecret("p4ss-word-value"),
      apiToken: fingerprintSecret("tok-123"),
      plain: "visible",
    });
    const text = JSON.stringify(await handle.db.select().from(auditEvents));
    expect(text).not.toContain("p4ss-word-value");
    expect(text).not.toContain("tok-123");
  });

  it("fails closed: when the audit row cannot be written, the change it records does not happen", async () => {
    const email = uniqueEmail("failclosed");
    await handle.db.execute(
      sql`alter table audit_events add constraint audit_refuse_for_test check (event_type <> 'test.refused')`,
    );
    try {
      await expect(
        handle.db.transaction(async (tx) => {
          await tx.insert(users).values({ email, name: "Side effect", role: "viewer" });
          await appendAuditEvent(tx, actor, { eventType: "test.refused", outcome: "success" });
        }),
      ).rejects.toThrow();
    } finally {
      await handle.db.execute(sql`alter table audit_events drop constraint audit_refuse_for_test`);
    }
    const rows = await queryRows<{ n: number }>(
      handle.db,
      sql`select count(*)::int as n from users where email = ${email}`,
    );
    expect(rows[0]!.n).toBe(0);
    expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });
  });
});

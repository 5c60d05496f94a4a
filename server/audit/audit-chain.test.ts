import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/execute";
import { auditEvents, users } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { uniqueEmail } from "@/test/support/users";
import { appendAuditEvent } from "./append";
import { systemActor } from "./actor";
import { fingerprintSecret } from "./fingerprint";
import { verifyAuditChain } from "./verify";

let handle: TestDatabase;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle.drop();
});

const actor = systemActor({ requestId: "test", ip: "203.0.113.1", userAgent: "vitest" });

async function appendSome(n: number) {
  for (let i = 0; i < n; i++) {
    await appendAuditEvent(handle.db, actor, { eventType: "test.event", outcome: "success", entityType: "test", entityId: String(i), meta: { i, note: `row ${i}` } });
  }
}

/** Tampers with the chain as a superuser could (triggers off), verifies, then rolls everything back. */
async function verifyAfterTamper(...statements: string[]) {
  let result: Awaited<ReturnType<typeof verifyAuditChain>> | undefined;
  try {
    await handle.db.transaction(async (tx) => {
      await tx.execute(sql`alter table audit_events disable trigger user`);
      for (const statement of statements) await tx.execute(sql.raw(statement));
      result = await verifyAuditChain(tx, 3);
      throw new Error("roll back the tampering");
    });
  } catch (error) {
    if ((error as Error).message !== "roll back the tampering") throw error;
  }
  return result!;
}

describe(`audit chain (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("appends gap-free, linked rows that verify end to end", async () => {
    await appendSome(8);
    const result = await verifyAuditChain(handle.db, 3);
    expect(result).toEqual({ ok: true, count: 8 });
    const rows = await handle.db.select().from(auditEvents).orderBy(auditEvents.seq);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    rows.slice(1).forEach((row, i) => expect(row.prevHash).toBe(rows[i]!.hash));
  });

  it("refuses UPDATE, DELETE and TRUNCATE", async () => {
    await expect(handle.db.execute(sql`update audit_events set event_type = 'x' where seq = 1`)).rejects.toThrow();
    await expect(handle.db.execute(sql`delete from audit_events where seq = 1`)).rejects.toThrow();
    await expect(handle.db.execute(sql`truncate audit_events`)).rejects.toThrow();
    expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });
  });

  it("names the first broken sequence for every kind of tampering", async () => {
    const edited = await verifyAfterTamper(`update audit_events set event_meta = '{"i": 99}' where seq = 4`);
    expect(edited).toMatchObject({ ok: false, brokenSeq: 4 });
    expect(edited.ok === false && edited.problem).toContain("edited");

    const deleted = await verifyAfterTamper(`delete from audit_events where seq = 5`);
    expect(deleted).toMatchObject({ ok: false, brokenSeq: 5 });
    expect(deleted.ok === false && deleted.problem).toContain("deleted");

    const deletedTail = await verifyAfterTamper(`delete from audit_events where seq = 8`);
    expect(deletedTail).toMatchObject({ ok: false, brokenSeq: 8 });

    // Swap the contents of rows 2 and 3 while keeping their sequence numbers.
    const reordered = await verifyAfterTamper(
      "update audit_events set seq = -2 where seq = 2",
      "update audit_events set seq = 2 where seq = 3",
      "update audit_events set seq = 3 where seq = -2",
    );
    expect(reordered).toMatchObject({ ok: false, brokenSeq: 2 });

    // Insert a forged row in the middle, renumbering the rest.
    const inserted = await verifyAfterTamper(
      "update audit_events set seq = seq + 100 where seq >= 6",
      "update audit_events set seq = seq - 99 where seq >= 106",
      `insert into audit_events (seq, id, event_type, actor_label, request_meta, event_meta, outcome, created_at, prev_hash, hash)
         select 6, gen_random_uuid(), 'forged', 'mallory', '{}', '{}', 'success', now(), hash, repeat('f', 64) from audit_events where seq = 5`,
    );
    expect(inserted).toMatchObject({ ok: false, brokenSeq: 6 });

    expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });
  });

  it("stores secret-looking fields only as fingerprints", async () => {
    await appendAuditEvent(handle.db, actor, { eventType: "test.secret", outcome: "success", meta: { password: "p4ss-word-value", apiToken: "tok-123", plain: "visible" } });
    const [row] = await queryRows<{ event_meta: Record<string, unknown> }>(handle.db, sql`select event_meta from audit_events where event_type = 'test.secret'`);
    expect(row!.event_meta).toEqual({ password: fingerprintSecret("p4ss-word-value"), apiToken: fingerprintSecret("tok-123"), plain: "visible" });
    const text = JSON.stringify(await handle.db.select().from(auditEvents));
    expect(text).not.toContain("p4ss-word-value");
    expect(text).not.toContain("tok-123");
  });

  it("fails closed: when the audit row cannot be written, the change it records does not happen", async () => {
    const email = uniqueEmail("failclosed");
    await handle.db.execute(sql`alter table audit_events add constraint audit_refuse_for_test check (event_type <> 'test.refused')`);
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
    const rows = await queryRows<{ n: number }>(handle.db, sql`select count(*)::int as n from users where email = ${email}`);
    expect(rows[0]!.n).toBe(0);
    expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });
  });
});


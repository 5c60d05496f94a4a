import pg from "pg";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/execute";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { urlForDatabase } from "@/test/support/postgres-admin";
import { appendAuditEvent } from "./append";
import { systemActor } from "./actor";
import { hasUnlinkedAuditEvents, linkPendingAuditEvents } from "./chainer";

const baseUrl = process.env.TEST_DATABASE_URL;
let handle: TestDatabase;

beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle.drop();
});

/** A client whose transaction has taken a transaction id and stays open until `end()`. */
async function openWriter(url: string): Promise<{ xid: bigint; end(): Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("begin");
  const { rows } = await client.query<{ xid: string }>("select pg_current_xact_id()::text as xid");
  return {
    xid: BigInt(rows[0]!.xid),
    async end() {
      await client.query("commit");
      await client.end();
    },
  };
}

async function scanFrom(): Promise<bigint> {
  const [row] = await queryRows<{ xid: string }>(handle.db, sql`select scan_from_xid::text as xid from audit_chainer_state where id = 1`);
  return BigInt(row!.xid);
}

const append = (i: number) => appendAuditEvent(handle.db, systemActor(), { eventType: "test.horizon", outcome: "success", meta: { i } });

describe.runIf(baseUrl)("the chainer's scan point (postgres)", () => {
  it("moves past a long transaction in another database on the same server", async () => {
    const elsewhere = await openWriter(urlForDatabase(baseUrl!, "postgres"));
    try {
      await append(1);
      expect(await linkPendingAuditEvents(handle.db)).toMatchObject({ linked: 1 });
      expect(await scanFrom()).toBeGreaterThan(elsewhere.xid);
      expect(await hasUnlinkedAuditEvents(handle.db)).toBe(false);
    } finally {
      await elsewhere.end();
    }
  });

  it("stays at a transaction of this database that is still running, and links its rows once it commits", async () => {
    const url = (handle.target as { url: string }).url;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query("begin");
      const inserted = await client.query<{ xid: string }>(
        `insert into audit_events (id, event_type, actor_label, request_meta, event_meta, outcome, created_at) values (gen_random_uuid(), 'test.unsigned', 'x', '{}', '{}', 'success', now()) returning xid::text`,
      );
      const xid = BigInt(inserted.rows[0]!.xid);
      await append(2);
      await linkPendingAuditEvents(handle.db);
      // The open transaction may still commit rows: the next pass must look at it again.
      expect(await scanFrom()).toBeLessThanOrEqual(xid);
      await client.query("rollback");
      await append(3);
      await linkPendingAuditEvents(handle.db);
      expect(await scanFrom()).toBeGreaterThan(xid);
    } finally {
      await client.end();
    }
  });
});

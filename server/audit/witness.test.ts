import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { appendAuditEvent } from "./append";
import { systemActor } from "./actor";
import { startAuditChain } from "./run-chainer";
import { verifyAuditChain } from "./verify";

let handle: TestDatabase;
let dir: string;
beforeAll(async () => {
  handle = await createTestDatabase();
  dir = mkdtempSync(path.join(os.tmpdir(), "keel-witness-test-"));
});
afterAll(async () => {
  await handle.drop();
  rmSync(dir, { recursive: true, force: true });
});

const lines = (file: string) => readFileSync(file, "utf8").trim().split("\n");

describe(`the witness (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("records a signed checkpoint at stop, and never witnesses a chain cut back behind it, even after a restart", async () => {
    const files = [path.join(dir, "data", "audit-witness.ndjson"), path.join(dir, "elsewhere", "audit-witness.ndjson")];
    for (let i = 0; i < 6; i++)
      await appendAuditEvent(handle.db, systemActor(), {
        eventType: "test.witnessed",
        outcome: "success",
        meta: { i },
      });
    await startAuditChain(handle.db, files, { linkEveryMs: 60_000, checkpointEveryMs: 60_000 })();
    for (const file of files)
      expect(JSON.parse(lines(file)[0]!)).toMatchObject({
        v: 1,
        pos: 6,
        seq: 6,
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        signature: expect.any(String),
      });
    expect(await verifyAuditChain(handle.db, { witnessFiles: files })).toMatchObject({ ok: true, witness: { seq: 6 } });

    // A superuser cuts the newest two rows and moves the head back, consistently.
    await handle.db.transaction(async (tx) => {
      for (const statement of [
        "alter table audit_events disable trigger user",
        "alter table audit_chain disable trigger user",
        "alter table audit_chain_head disable trigger user",
        "delete from audit_events where seq > 4",
        "delete from audit_chain where pos > 4",
        "update audit_chain_head set seq = 4, hash = (select hash from audit_chain where pos = 4)",
        "alter table audit_events enable trigger user",
        "alter table audit_chain enable trigger user",
        "alter table audit_chain_head enable trigger user",
      ])
        await tx.execute(sql.raw(statement));
    });
    // A restarted instance reads the witness and refuses to vouch for the shorter chain.
    await startAuditChain(handle.db, files, { linkEveryMs: 60_000, checkpointEveryMs: 60_000 })();
    for (const file of files) expect(lines(file)).toHaveLength(1);
    const result = await verifyAuditChain(handle.db, { witnessFiles: files });
    expect(result).toMatchObject({ ok: false, brokenSeq: 5, problem: expect.stringContaining("rollback") });
  });
});

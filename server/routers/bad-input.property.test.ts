import fc from "fast-check";
import { sql } from "drizzle-orm";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/execute";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { createTestEngine, type TestEngine } from "@/test/support/engine";
import { hostileInput } from "@/test/support/hostile-inputs";
import { callerAs, createTestUser } from "@/test/support/users";
import { verifyAuditChain } from "../audit/verify";
import { toErrorEnvelope } from "../http/error-response";
import { appRouter } from "./_app";

let handle: TestDatabase;
let engine: TestEngine;
let call: (path: string, input: unknown) => Promise<unknown>;

/** Tables whose rows a refused input may add: the audit trail records refusals on purpose. */
const MAY_GROW = new Set(["audit_events", "audit_chain_head", "sessions"]);

beforeAll(async () => {
  handle = await createTestDatabase();
  engine = await createTestEngine(handle.db);
  const admin = (await createTestUser(handle.db, { role: "admin" })).user;
  const caller = (await callerAs(handle.db, admin, engine)) as unknown as Record<string, Record<string, (input: unknown) => Promise<unknown>>>;
  call = (path, input) => {
    const [group, name] = path.split(".") as [string, string];
    return caller[group]![name]!(input);
  };
}, 60_000);

afterAll(async () => {
  expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });
  await handle.drop();
});

/** Rows per table of Keel's own schema, except those a refusal may add to. */
async function rowCounts(): Promise<Record<string, number>> {
  const tables = await queryRows<{ name: string }>(handle.db, sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`);
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    if (MAY_GROW.has(name)) continue;
    const [row] = await queryRows<{ n: number }>(handle.db, sql`select count(*)::int as n from ${sql.identifier(name)}`);
    counts[name] = row!.n;
  }
  return counts;
}

const procedures = Object.keys(appRouter._def.procedures as Record<string, unknown>).sort();

describe(`every procedure refuses hostile input cleanly (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("finds the procedures", () => {
    expect(procedures.length).toBeGreaterThan(10);
  });

  it.each(procedures)("%s: no server error, an envelope every time, nothing written when refused", async (path) => {
    const before = await rowCounts();
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(hostileInput, async (input) => {
        try {
          await call(path, input);
          accepted++;
          return true;
        } catch (error) {
          if (!(error instanceof TRPCError)) throw error;
          const { status, body } = toErrorEnvelope(error, "fuzz");
          if (status >= 500) throw new Error(`${path} answered ${status} (${error.message}) for ${JSON.stringify(input)?.slice(0, 300)}`, { cause: error.cause ?? error });
          expect(body.error.message.length).toBeGreaterThan(0);
          expect(body.error.message).not.toMatch(/\bat .+:\d+:\d+|select |insert |update .+ set /i);
          return true;
        }
      }),
      { numRuns: 25 },
    );
    // A call that happened to be valid may change things; only all-refused runs must leave no trace.
    if (accepted === 0) expect(await rowCounts()).toEqual(before);
  });
});

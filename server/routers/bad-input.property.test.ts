import { existsSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { sql } from "drizzle-orm";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/execute";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { createTestEngine, type TestEngine } from "@/test/support/engine";
import { hostileInput, secretsIn, unstorableAtPath } from "@/test/support/hostile-inputs";
import { findSecrets } from "@/test/support/secret-scan";
import { rememberSecret } from "@/test/support/secrets-used";
import { anonymousContext, callerAs, createTestUser } from "@/test/support/users";
import { verifyAuditChain } from "../audit/verify";
import { toErrorEnvelope } from "../http/error-response";
import { appRouter, createCaller } from "./_app";

let handle: TestDatabase;
let engine: TestEngine;
type Call = (path: string, input: unknown) => Promise<unknown>;
let call: Call;
let callAnonymously: Call;

/** Tables whose rows a refused input may add: the audit trail records refusals on purpose. */
const MAY_GROW = new Set(["audit_events", "audit_chain_head", "sessions"]);

beforeAll(async () => {
  handle = await createTestDatabase();
  engine = await createTestEngine(handle.db);
  const admin = (await createTestUser(handle.db, { role: "admin" })).user;
  call = pathCaller(await callerAs(handle.db, admin, engine));
  callAnonymously = pathCaller(createCaller(anonymousContext(handle.db)));
}, 60_000);

function pathCaller(caller: unknown): Call {
  const groups = caller as Record<string, Record<string, (input: unknown) => Promise<unknown>>>;
  return (path, input) => {
    const [group, name] = path.split(".") as [string, string];
    return groups[group]![name]!(input);
  };
}

/** Every row count of Keel's schema, the audit trail included. */
async function allRowCounts(): Promise<Record<string, number>> {
  const [audit] = await queryRows<{ n: number }>(handle.db, sql`select count(*)::int as n from audit_events`);
  return { ...(await rowCounts()), audit_events: audit!.n };
}

/** Every input value marked secret that was sent: none may reach the log. */
const secretsSent = new Set<string>();

afterAll(async () => {
  expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });
  await handle.drop();
  expect(secretsSent.size).toBeGreaterThan(0);
  const logFile = process.env.KEEL_LOG_FILE;
  if (logFile && existsSync(logFile)) expect(findSecrets(readFileSync(logFile, "utf8"), [...secretsSent])).toEqual([]);
});

/** Rows per table of Keel's own schema, except those a refusal may add to. */
async function rowCounts(): Promise<Record<string, number>> {
  const tables = await queryRows<{ name: string }>(
    handle.db,
    sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    if (MAY_GROW.has(name)) continue;
    const [row] = await queryRows<{ n: number }>(
      handle.db,
      sql`select count(*)::int as n from ${sql.identifier(name)}`,
    );
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
      fc.asyncProperty(hostileInput, fc.boolean(), async (input, anonymous) => {
        for (const secret of secretsIn(input)) if (!secretsSent.has(secret)) secretsSent.add(rememberSecret(secret));
        try {
          await (anonymous ? callAnonymously : call)(path, input);
          accepted++;
          return true;
        } catch (error) {
          if (!(error instanceof TRPCError)) throw error;
          const { status, body } = toErrorEnvelope(error, "fuzz");
          if (status >= 500)
            throw new Error(
              `${path} answered ${status} (${error.message}) for ${JSON.stringify(input)?.slice(0, 300)}`,
              { cause: error.cause ?? error },
            );
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

  it.each(procedures)(
    "%s: text that cannot be stored is refused with 400 naming the field, signed in or not, writing nothing at all",
    async (path) => {
      const before = await allRowCounts();
      await fc.assert(
        fc.asyncProperty(unstorableAtPath, fc.boolean(), async ({ input, field, inKey }, anonymous) => {
          const error = await (anonymous ? callAnonymously : call)(path, input).then(
            () => null,
            (thrown: unknown) => thrown,
          );
          if (!(error instanceof TRPCError)) throw new Error(`${path} accepted ${JSON.stringify(input)}`);
          const { status, body } = toErrorEnvelope(error, "fuzz");
          expect(status).toBe(400);
          const named = Object.keys(body.error.details?.fields ?? {});
          expect(named).toHaveLength(1);
          if (inKey) expect(named[0]!.startsWith(`${field}.`)).toBe(true);
          else expect(named[0]).toBe(field);
          expect(body.error.message).toMatch(
            /contains a character that cannot be stored: U\+(0000|D[89A-F][0-9A-F]{2})\.$/,
          );
        }),
        { numRuns: 8 },
      );
      expect(await allRowCounts()).toEqual(before);
    },
  );
});

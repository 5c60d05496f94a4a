import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, runs } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { createTestEngine, installRunbook, type TestEngine } from "@/test/support/engine";
import { errorOf } from "@/test/support/errors";
import { callerAs, createTestUser } from "@/test/support/users";
import { toErrorEnvelope } from "../http/error-response";

let handle: TestDatabase;
let engine: TestEngine;

beforeAll(async () => {
  handle = await createTestDatabase();
  engine = await createTestEngine(handle.db);
  await installRunbook(handle.db, {
    id: "limits-sample",
    title: "Limits sample",
    summary: "Takes a note.",
    risk: "low",
    inputs: [{ name: "note", label: "Note", type: "string", maxLength: 10_000 }],
    steps: [{ id: "look", kind: "manual", title: "Look", instructions: "Look." }],
  });
});

afterAll(async () => {
  await handle.drop();
});

async function counts() {
  return {
    runs: (await handle.db.select().from(runs)).length,
    audit: (await handle.db.select().from(auditEvents)).length,
  };
}

describe(`input limits on every procedure (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("refuses a string over 256 KB with 413 naming the field, and writes nothing", async () => {
    const responder = await callerAs(handle.db, (await createTestUser(handle.db, { role: "responder" })).user, engine);
    const before = await counts();
    const error = await errorOf(
      responder.runs.start({
        runbookId: "limits-sample",
        inputs: { note: "n".repeat(300 * 1024) },
        requestKey: randomUUID(),
      }),
    );
    const { status, body } = toErrorEnvelope(error, "req");
    expect(status).toBe(413);
    expect(body.error.details?.fields).toEqual({ "inputs.note": "inputs.note is 307,200 bytes; the limit is 256 KB." });
    expect(await counts()).toEqual(before);
  });

  it("refuses an array over 100 items and deep nesting with 400 naming the field, and writes nothing", async () => {
    const responder = await callerAs(handle.db, (await createTestUser(handle.db, { role: "responder" })).user, engine);
    const before = await counts();
    const many = await errorOf(
      responder.runs.start({
        runbookId: "limits-sample",
        inputs: { note: Array.from({ length: 101 }, () => "x") as unknown as string },
        requestKey: randomUUID(),
      }),
    );
    expect(toErrorEnvelope(many, "req")).toMatchObject({
      status: 400,
      body: { error: { details: { fields: { "inputs.note": "inputs.note has 101 items; the limit is 100." } } } },
    });
    let deep: unknown = "x";
    for (let i = 0; i < 30; i++) deep = { a: deep };
    const nested = await errorOf(
      responder.runs.start({
        runbookId: "limits-sample",
        inputs: deep as Record<string, unknown>,
        requestKey: randomUUID(),
      }),
    );
    expect(toErrorEnvelope(nested, "req").status).toBe(400);
    expect(nested.message).toMatch(/nested more than 20 levels deep/);
    expect(await counts()).toEqual(before);
  });
});

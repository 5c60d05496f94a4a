import { randomUUID } from "node:crypto";
import { z } from "zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { createTestEngine, installRunbook, type TestEngine } from "@/test/support/engine";
import { callerAs, createTestUser } from "@/test/support/users";
import { AppError } from "../errors";

let handle: TestDatabase;
let engine: TestEngine;

beforeAll(async () => {
  handle = await createTestDatabase();
  engine = await createTestEngine(handle.db);
  engine.registry.registerAction({
    name: "test.refusing-plan",
    title: "Refuses to plan",
    description: "Its plan throws the kind of error actions throw for a bad target.",
    input: z.strictObject({}),
    plan: async () => {
      throw AppError.field("target", 'No service named "ghost" is configured.', "NOT_FOUND");
    },
    execute: async () => ({ summary: "never" }),
  });
  await installRunbook(handle.db, {
    id: "refusing-plan",
    title: "Refusing plan",
    summary: "One action whose plan is refused.",
    risk: "low",
    steps: [{ id: "apply", kind: "action", title: "Apply", action: "test.refusing-plan", input: {} }],
  });
});

afterAll(async () => {
  await handle.drop();
});

describe(`plan errors (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("shows an action's own refusal as a failed plan the operator can act on, instead of planning forever", async () => {
    const responder = await callerAs(handle.db, (await createTestUser(handle.db, { role: "responder" })).user, engine);
    const { runId } = await responder.runs.start({ runbookId: "refusing-plan", inputs: {}, requestKey: randomUUID() });
    await engine.drain();
    const view = await responder.runs.get({ runId });
    const step = view.steps.find((s) => s.id === "apply")!;
    expect(step.status).toBe("failed");
    expect(step.error).toBe('No service named "ghost" is configured.');
  });
});

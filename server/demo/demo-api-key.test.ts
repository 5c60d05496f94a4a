import { readFileSync, statSync } from "node:fs";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, targets } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { scratchDir } from "@/test/support/secret-rotation";
import { systemActor } from "../audit/actor";
import { getLogger } from "../observability/logger";
import { consumersOf } from "../secrets/consumers/consumers";
import { envValueOf } from "../secrets/consumers/env-file";
import { findSecret, readSecretValue } from "../secrets/store";
import { demoApiKeyPart, demoEnvFile } from "./demo-api-key";
import type { DemoContext } from "./environment";

let handle: TestDatabase;
let context: DemoContext;

beforeAll(async () => {
  handle = await createTestDatabase();
  context = {
    handle,
    actor: systemActor(),
    root: scratchDir("demo"),
    publicUrl: "http://localhost:3000",
    log: getLogger(),
  };
});
afterAll(() => handle.drop());

describe(`the demo API key (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("creates the managed secret and its consumer writing the demo service's .env, and removes both", async () => {
    await demoApiKeyPart.setUp(context);
    const current = (await readSecretValue(handle.db, "demo-api-key"))!;
    const file = demoEnvFile(context.root);
    expect(envValueOf(readFileSync(file, "utf8"), "DEMO_API_KEY")).toBe(current.value);
    expect(readFileSync(file, "utf8")).toContain("DEMO_SERVICE_PORT=8080\n");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const consumers = await consumersOf(handle.db, "demo-api-key");
    expect(consumers).toEqual([
      {
        name: "demo-api-key-env",
        config: expect.objectContaining({
          sink: expect.objectContaining({ type: "env-file", path: file, variable: "DEMO_API_KEY" }),
        }),
      },
    ]);
    const [row] = await handle.db.select().from(targets).where(eq(targets.name, "demo-api-key-env"));
    expect(row!.source).toBe("demo");

    await demoApiKeyPart.tearDown(context);
    expect(await findSecret(handle.db, "demo-api-key")).toBeNull();
    expect(await consumersOf(handle.db, "demo-api-key")).toEqual([]);
    const events = (await handle.db.select().from(auditEvents)).map((e) => e.eventType);
    expect(events).toEqual(["secret.created", "target.created", "target.removed", "secret.removed"]);
    expect(JSON.stringify(await handle.db.select().from(auditEvents))).not.toContain(current.value);
  });
});

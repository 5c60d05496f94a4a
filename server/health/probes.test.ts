import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { GET } from "@/app/api/livez/route";
import { markDraining } from "./drain-state";
import { livenessAnswer, readinessAnswer } from "./probes";

let handle: TestDatabase;
const answeringQueue = { depth: async () => 0 };

beforeAll(async () => {
  handle = await createTestDatabase();
});

afterAll(async () => {
  await handle.drop();
});

describe(`readiness and liveness (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("readiness follows the health check until the process drains, then answers 503; liveness stays 200 throughout", async () => {
    expect(await readinessAnswer({ handle: async () => handle, queue: answeringQueue })).toMatchObject({
      status: 200,
      body: { status: "ready", failed: [] },
    });
    expect(await readinessAnswer({ handle: async () => handle, queue: null })).toMatchObject({
      status: 503,
      body: { status: "failing", failed: ["jobQueue"] },
    });
    expect(livenessAnswer()).toMatchObject({ status: 200, body: { status: "alive" } });

    markDraining();
    expect(await readinessAnswer({ handle: async () => handle, queue: answeringQueue })).toMatchObject({
      status: 503,
      body: { status: "draining" },
    });
    expect(livenessAnswer()).toMatchObject({ status: 200, body: { status: "draining" } });
  });

  it("the /api/livez route answers the liveness, uncached", async () => {
    const response = GET();
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toMatchObject({ status: expect.stringMatching(/^(alive|draining)$/) });
  });
});

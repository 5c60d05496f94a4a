import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { targets } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { commitsOf } from "@/test/support/deploy-repo";
import { systemActor } from "../audit/actor";
import { getLogger } from "../observability/logger";
import { executeRollback } from "../services/rollback";
import { readServiceHistory } from "../services/service-history";
import { demoServiceHealth } from "./demo-service-health";
import { demoDeployRepository, demoWebPart } from "./demo-web";
import type { DemoContext } from "./environment";

let handle: TestDatabase;
let context: DemoContext;
let root: string;

beforeAll(async () => {
  handle = await createTestDatabase();
  root = path.join(mkdtempSync(path.join(os.tmpdir(), "keel-demo-test-")), "demo");
  context = { handle, actor: systemActor(), root, publicUrl: "http://127.0.0.1:3999", log: getLogger() };
});

afterAll(async () => {
  rmSync(path.dirname(root), { recursive: true, force: true });
  await handle.drop();
});

describe(`the demo-web part (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("builds a real deploy repository whose newest release is bad, serves its health from it, and removes it", async () => {
    await demoWebPart.setUp(context);
    const bare = demoDeployRepository(root);
    const commits = await commitsOf(bare);
    expect(commits.map((c) => c.trailers["Release-Version"])).toEqual(["v1.3.0", "v1.2.0", "v1.1.0", "v1.0.0"]);
    const history = await readServiceHistory(handle.db, "demo-web");
    expect(history.config).toMatchObject({
      rollback: { strategy: "git" },
      health: { url: "http://127.0.0.1:3999/api/demo/services/demo-web/health" },
      allowedHosts: ["127.0.0.1"],
    });

    const bad = await demoServiceHealth(handle.db, "demo-web", root, "r1");
    expect(bad.status).toBe(503);
    expect(await bad.json()).toMatchObject({
      version: "v1.3.0",
      healthy: false,
      note: expect.stringContaining("demo"),
    });

    await executeRollback(
      handle.db,
      { service: "demo-web", release: "previous", reason: "demo" },
      {
        runId: "demo-test",
        idempotencyKey: "demo-test-key",
        log: () => {},
        registerSecret: () => {},
        signal: new AbortController().signal,
      },
    );
    const good = await demoServiceHealth(handle.db, "demo-web", root, "r2");
    expect(good.status).toBe(200);
    expect(await good.json()).toMatchObject({ version: "v1.2.0", healthy: true });

    expect((await demoServiceHealth(handle.db, "not-demo", root, "r3")).status).toBe(404);

    await demoWebPart.tearDown(context);
    expect(existsSync(bare)).toBe(false);
    expect(
      await handle.db
        .select()
        .from(targets)
        .where(and(eq(targets.kind, "service"), eq(targets.name, "demo-web"))),
    ).toHaveLength(0);
  });
});

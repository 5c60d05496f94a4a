import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { targets } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { systemActor } from "../audit/actor";
import type { DemoContext } from "../demo/environment";
import { getLogger } from "../observability/logger";
import { getTargetConfig } from "../targets/catalog";
import { allowlistDemoPart, demoAllowlistFile, DEMO_ALLOWLIST } from "./demo-part";
import type { AllowlistConfig } from "./target-kind";

let handle: TestDatabase;
let root: string;

beforeAll(async () => {
  handle = await createTestDatabase();
  root = mkdtempSync(path.join(os.tmpdir(), "keel-demo-"));
});

afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  await handle.drop();
});

describe(`the demo allowlist (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("creates a real nginx include file and registers it as a demo target, and removes both again", async () => {
    const context: DemoContext = {
      handle,
      actor: systemActor(),
      root,
      publicUrl: "http://localhost:3000",
      log: getLogger(),
    };
    await allowlistDemoPart.setUp(context);
    const file = demoAllowlistFile(root);
    expect(readFileSync(file, "utf8")).toMatch(/^# Managed by Keel/);
    const target = await getTargetConfig<AllowlistConfig>(handle.db, "allowlist", DEMO_ALLOWLIST);
    expect(target.source).toBe("demo");
    expect(target.config.sinks).toEqual([
      { type: "file", path: file, trailer: [], reload: { executable: "/bin/true", args: [], timeoutSeconds: 10 } },
    ]);

    await allowlistDemoPart.tearDown(context);
    expect(existsSync(path.join(root, "nginx"))).toBe(false);
    expect(await handle.db.select().from(targets).where(eq(targets.name, DEMO_ALLOWLIST))).toHaveLength(0);
  });
});

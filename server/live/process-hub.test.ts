import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";

/*
 * The custom server and Next.js's bundle each load their own copy of these modules; the hub
 * must still be one per process, and stop before the database it listens on closes.
 */

let testDatabase: TestDatabase | null = null;
let dataDir: string | null = null;
const savedEnv = { DATABASE_URL: process.env.DATABASE_URL, KEEL_DATA_DIR: process.env.KEEL_DATA_DIR };

beforeAll(async () => {
  if (process.env.TEST_DATABASE_URL) {
    testDatabase = await createTestDatabase();
    if (testDatabase.target.driver !== "pg") throw new Error("expected PostgreSQL");
    process.env.DATABASE_URL = testDatabase.target.url;
  } else {
    dataDir = mkdtempSync(path.join(os.tmpdir(), "keel-live-hub-"));
    delete process.env.DATABASE_URL;
    process.env.KEEL_DATA_DIR = dataDir;
  }
});
afterAll(async () => {
  Object.assign(process.env, savedEnv);
  if (savedEnv.DATABASE_URL === undefined) delete process.env.DATABASE_URL;
  if (savedEnv.KEEL_DATA_DIR === undefined) delete process.env.KEEL_DATA_DIR;
  await testDatabase?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe(`the process's live hub (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("is one hub across module copies, stopped before the database closes", async () => {
    const first = await import("./hub");
    const hub = await first.getLiveHub();
    vi.resetModules();
    const second = await import("./hub");
    expect(second.getLiveHub).not.toBe(first.getLiveHub);
    expect(await second.getLiveHub()).toBe(hub);

    const { getDatabaseHandle, closeDatabase } = await import("../db");
    const handle = await getDatabaseHandle();
    const order: string[] = [];
    const stop = hub.stop.bind(hub);
    vi.spyOn(hub, "stop").mockImplementation(async () => {
      order.push("hub stopped");
      await stop();
    });
    const close = handle.close.bind(handle);
    vi.spyOn(handle, "close").mockImplementation(async () => {
      order.push("database closed");
      await close();
    });

    await closeDatabase();
    expect(order).toEqual(["hub stopped", "database closed"]);

    const reopened = await second.getLiveHub();
    expect(reopened).not.toBe(hub);
    await closeDatabase();
  });
});

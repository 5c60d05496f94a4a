import os from "node:os";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { instances } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { version } from "../../package.json";
import { liveInstanceServes, listInstances } from "./queries";
import { startInstanceHeartbeat } from "./registry";

const driver = process.env.TEST_DATABASE_URL ? "postgres" : "pglite";
let handle: TestDatabase;

beforeAll(async () => {
  handle = await createTestDatabase();
}, 120_000);

afterAll(async () => {
  await handle.drop();
});

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const ago = (seconds: number) => sql`now() - make_interval(secs => ${seconds})`;

describe(`the instance registry (${driver})`, () => {
  it("registers an instance with its groups and version, beats with what it executes, and removes it on stop", async () => {
    let executing = [
      {
        runId: "00000000-0000-4000-8000-000000000001",
        stepId: "touch",
        phase: "execute",
        since: new Date().toISOString(),
      },
    ];
    const edge = await startInstanceHeartbeat(
      handle.db,
      { workers: 2, groups: ["edge-nginx"], ungrouped: false },
      () => executing,
      20,
    );
    const web = await startInstanceHeartbeat(handle.db, { workers: 0, groups: [], ungrouped: true }, () => [], 20);

    const listed = await listInstances(handle.db);
    expect(listed).toHaveLength(2);
    expect(listed.find((i) => i.id === edge.id)).toMatchObject({
      hostname: os.hostname(),
      pid: process.pid,
      version,
      workers: 2,
      groups: ["edge-nginx"],
      ungrouped: false,
      alive: true,
      executing,
    });
    // A web-only instance serves nothing, whatever it was told.
    expect(listed.find((i) => i.id === web.id)).toMatchObject({
      workers: 0,
      groups: [],
      ungrouped: false,
      alive: true,
    });
    expect(await liveInstanceServes(handle.db, "edge-nginx")).toBe(true);
    expect(await liveInstanceServes(handle.db, "office-vpn")).toBe(false);
    expect(await liveInstanceServes(handle.db, null)).toBe(false);

    executing = [];
    await until(
      async () => (await listInstances(handle.db)).find((i) => i.id === edge.id)!.executing.length === 0,
      5000,
    );

    await edge.stop();
    await web.stop();
    expect(await listInstances(handle.db)).toEqual([]);
  });

  it("an instance silent for three heartbeats is gone and serves nothing; after ten minutes another deletes its row", async () => {
    const quiet = await startInstanceHeartbeat(
      handle.db,
      { workers: 1, groups: ["edge-nginx"], ungrouped: true },
      () => [],
      3_600_000,
    );
    await handle.db
      .update(instances)
      .set({ lastSeenAt: ago(16) })
      .where(eq(instances.id, quiet.id));
    expect((await listInstances(handle.db))[0]).toMatchObject({ id: quiet.id, alive: false });
    expect(await liveInstanceServes(handle.db, "edge-nginx")).toBe(false);
    expect(await liveInstanceServes(handle.db, null)).toBe(false);

    await handle.db
      .update(instances)
      .set({ lastSeenAt: ago(11 * 60) })
      .where(eq(instances.id, quiet.id));
    const other = await startInstanceHeartbeat(handle.db, { workers: 1, groups: [], ungrouped: true }, () => [], 20);
    await until(async () => (await listInstances(handle.db)).every((i) => i.id !== quiet.id), 5000);
    expect((await listInstances(handle.db)).map((i) => i.id)).toEqual([other.id]);
    expect(await liveInstanceServes(handle.db, null)).toBe(true);
    await other.stop();
    await quiet.stop();
  });
});

import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { createTestEngine, installRunbook, type TestEngine } from "@/test/support/engine";
import { callerAs, createTestUser } from "@/test/support/users";
import { systemActor } from "../audit/actor";
import { startInstanceHeartbeat } from "../instances/registry";
import { saveTarget } from "../targets/commands";

const driver = process.env.TEST_DATABASE_URL ? "postgres" : "pglite";
let handle: TestDatabase;
let engine: TestEngine;

const touchAllowlist = {
  id: "touch-allowlist",
  title: "Touch an allowlist",
  summary: "One action on the allowlist the run names.",
  risk: "low",
  inputs: [{ name: "allowlist", label: "Allowlist", type: "ref", target: "allowlist" }],
  steps: [
    {
      id: "touch",
      kind: "action",
      title: "Touch",
      action: "test.record-effect",
      input: { label: "{{inputs.allowlist}}" },
    },
  ],
};

const allowlist = (workerGroup?: string) => ({
  sinks: [{ type: "file", path: "/etc/nginx/keel-allow.conf" }],
  ...(workerGroup ? { workerGroup } : {}),
});

beforeAll(async () => {
  handle = await createTestDatabase();
  engine = await createTestEngine(handle.db);
  await saveTarget(
    handle.db,
    systemActor(),
    { kind: "allowlist", name: "edge", config: allowlist("edge-nginx") },
    "admin",
  );
  await saveTarget(handle.db, systemActor(), { kind: "allowlist", name: "plain", config: allowlist() }, "admin");
  await installRunbook(handle.db, touchAllowlist);
}, 120_000);

afterAll(async () => {
  await handle.drop();
});

describe(`the run page when no instance serves a step's worker group (${driver})`, () => {
  it("says which group to start while none is alive, and stops saying it once one is", async () => {
    const caller = await callerAs(handle.db, (await createTestUser(handle.db, { role: "responder" })).user, engine);
    const grouped = (
      await caller.runs.start({ runbookId: "touch-allowlist", inputs: { allowlist: "edge" }, requestKey: randomUUID() })
    ).runId;
    const plain = (
      await caller.runs.start({
        runbookId: "touch-allowlist",
        inputs: { allowlist: "plain" },
        requestKey: randomUUID(),
      })
    ).runId;

    const waiting = await caller.runs.get({ runId: grouped });
    expect(waiting.steps[0]!.status).toBe("planning");
    expect(waiting.waitingForInstance).toEqual({
      stepId: "touch",
      group: "edge-nginx",
      message:
        "Waiting for an instance of worker group edge-nginx: none is running. Start one with KEEL_WORKER_GROUPS=edge-nginx.",
    });
    expect((await caller.runs.get({ runId: plain })).waitingForInstance).toBeNull();

    // An instance of another group, or a web-only one, changes nothing.
    const other = await startInstanceHeartbeat(
      handle.db,
      { workers: 2, groups: ["office-vpn"], ungrouped: true },
      () => [],
      60_000,
    );
    const web = await startInstanceHeartbeat(
      handle.db,
      { workers: 0, groups: ["edge-nginx"], ungrouped: true },
      () => [],
      60_000,
    );
    expect((await caller.runs.get({ runId: grouped })).waitingForInstance?.group).toBe("edge-nginx");

    const edge = await startInstanceHeartbeat(
      handle.db,
      { workers: 1, groups: ["edge-nginx"], ungrouped: false },
      () => [],
      60_000,
    );
    expect((await caller.runs.get({ runId: grouped })).waitingForInstance).toBeNull();

    await edge.stop();
    expect((await caller.runs.get({ runId: grouped })).waitingForInstance?.group).toBe("edge-nginx");
    await other.stop();
    await web.stop();
  });
});

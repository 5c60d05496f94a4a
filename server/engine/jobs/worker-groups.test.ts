import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/execute";
import { runSteps } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { createTestEngine, installRunbook } from "@/test/support/engine";
import { callerAs, createTestUser } from "@/test/support/users";
import { systemActor } from "../../audit/actor";
import { saveTarget, validateTarget } from "../../targets/commands";
import type { EngineDeps } from "../dispatch";
import { sweepSteps } from "../sweep";
import { PgBossQueue } from "./pg-boss-queue";
import type { StepJob } from "./step-job";

const driver = process.env.TEST_DATABASE_URL ? "postgres" : "pglite";
let handle: TestDatabase;
let deps: EngineDeps;
const queues: PgBossQueue[] = [];

const allowlist = (workerGroup?: string) => ({
  sinks: [{ type: "file", path: "/etc/nginx/keel-allow.conf" }],
  ...(workerGroup ? { workerGroup } : {}),
});

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

const touchTwo = {
  id: "touch-two",
  title: "Touch two allowlists",
  summary: "One action on two allowlists.",
  risk: "low",
  inputs: [
    { name: "first", label: "First", type: "ref", target: "allowlist" },
    { name: "second", label: "Second", type: "ref", target: "allowlist" },
  ],
  steps: [
    {
      id: "touch",
      kind: "action",
      title: "Touch",
      action: "test.record-effect",
      input: { label: "{{inputs.first}} {{inputs.second}}" },
    },
  ],
};

async function startedQueue(served?: { groups: string[]; ungrouped: boolean }): Promise<PgBossQueue> {
  const queue = new PgBossQueue(handle, null, served);
  await queue.start();
  queues.push(queue);
  return queue;
}

async function queueOfRun(runId: string): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(
    handle.db,
    sql`select name from pgboss.job where data->>'runId' = ${runId} order by created_on`,
  );
  return rows.map((row) => row.name);
}

async function start(runbookId: string, inputs: Record<string, string>): Promise<string> {
  const caller = await callerAs(handle.db, (await createTestUser(handle.db, { role: "responder" })).user, deps);
  return (await caller.runs.start({ runbookId, inputs, requestKey: randomUUID() })).runId;
}

/** Collects what a queue's workers take, without running it. */
async function taking(queue: PgBossQueue): Promise<StepJob[]> {
  const taken: StepJob[] = [];
  await queue.work(async (job) => void taken.push(job), 1);
  return taken;
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  handle = await createTestDatabase();
  const engine = await createTestEngine(handle.db);
  // A web-only instance's queue: it sends jobs and serves none.
  deps = { ...engine, queue: await startedQueue({ groups: [], ungrouped: false }) };
  await saveTarget(
    handle.db,
    systemActor(),
    { kind: "allowlist", name: "edge", config: allowlist("edge-nginx") },
    "admin",
  );
  await saveTarget(
    handle.db,
    systemActor(),
    { kind: "allowlist", name: "office", config: allowlist("office-vpn") },
    "admin",
  );
  await saveTarget(handle.db, systemActor(), { kind: "allowlist", name: "plain", config: allowlist() }, "admin");
  await saveTarget(
    handle.db,
    systemActor(),
    { kind: "allowlist", name: "far", config: allowlist("far-away") },
    "admin",
  );
  await installRunbook(handle.db, touchAllowlist);
  await installRunbook(handle.db, touchTwo);
}, 120_000);

afterAll(async () => {
  for (const queue of queues) await queue.stop();
  await handle.drop();
});

describe(`worker groups (${driver})`, () => {
  it("a target's workerGroup is validated, naming the field", () => {
    expect(validateTarget({ kind: "allowlist", name: "bad", config: allowlist("Edge_Nginx") })).toEqual({
      ok: false,
      fields: { "config.workerGroup": "use lower-case letters, digits and -, starting with a letter (at most 40)" },
    });
    expect(validateTarget({ kind: "allowlist", name: "good", config: allowlist("edge-nginx") })).toMatchObject({
      ok: true,
      config: { workerGroup: "edge-nginx" },
    });
  });

  it("a step on a grouped target is queued for its group, one on an ungrouped target for any instance", async () => {
    const grouped = await start("touch-allowlist", { allowlist: "edge" });
    const plain = await start("touch-allowlist", { allowlist: "plain" });
    expect(await queueOfRun(grouped)).toEqual(["keel-steps.edge-nginx"]);
    expect(await queueOfRun(plain)).toEqual(["keel-steps"]);

    // An instance without the group takes the ungrouped job and leaves the grouped one waiting.
    const ungroupedOnly = await taking(await startedQueue({ groups: [], ungrouped: true }));
    await until(() => ungroupedOnly.some((job) => job.runId === plain), 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(ungroupedOnly.map((job) => job.runId)).not.toContain(grouped);
    const [waiting] = await queryRows<{ state: string }>(
      handle.db,
      sql`select state from pgboss.job where data->>'runId' = ${grouped}`,
    );
    expect(waiting!.state).toBe("created");

    // An instance of another group does not take it either; one of its group does.
    const otherGroup = await taking(await startedQueue({ groups: ["office-vpn"], ungrouped: false }));
    const itsGroup = await taking(await startedQueue({ groups: ["edge-nginx"], ungrouped: false }));
    await until(() => itsGroup.some((job) => job.runId === grouped), 20_000);
    expect(itsGroup).toEqual([expect.objectContaining({ runId: grouped, stepId: "touch", phase: "plan" })]);
    expect(otherGroup).toEqual([]);
  }, 60_000);

  it("the sweep queues a lost job again into its group's queue", async () => {
    const runId = await start("touch-allowlist", { allowlist: "office" });
    await handle.db.execute(sql`delete from pgboss.job where data->>'runId' = ${runId}`);
    await handle.db
      .update(runSteps)
      .set({ updatedAt: new Date(Date.now() - 60_000) })
      .where(and(eq(runSteps.runId, runId), eq(runSteps.stepId, "touch")));
    await sweepSteps(deps, { requeueAfterMs: 30_000 });
    expect(await queueOfRun(runId)).toEqual(["keel-steps.office-vpn"]);
  });

  it("the sweep does not queue again a job that still waits for an instance of its group", async () => {
    const runId = await start("touch-allowlist", { allowlist: "far" });
    await handle.db
      .update(runSteps)
      .set({ updatedAt: new Date(Date.now() - 60_000) })
      .where(and(eq(runSteps.runId, runId), eq(runSteps.stepId, "touch")));
    await sweepSteps(deps, { requeueAfterMs: 30_000 });
    expect(await queueOfRun(runId)).toEqual(["keel-steps.far-away"]);
  });

  it("a step on targets of two different groups is refused, naming them", async () => {
    await expect(start("touch-two", { first: "edge", second: "office" })).rejects.toThrow(
      'Step "touch" acts on targets of different worker groups: allowlist "edge" (edge-nginx), allowlist "office" (office-vpn).',
    );
    // Targets of one group, or one grouped and one not, go to that group.
    const runId = await start("touch-two", { first: "edge", second: "plain" });
    expect(await queueOfRun(runId)).toEqual(["keel-steps.edge-nginx"]);
  });
});

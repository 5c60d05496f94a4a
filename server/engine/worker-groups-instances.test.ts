import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "@/db/client";
import { queryRows } from "@/db/execute";
import { createTestEngine } from "@/test/support/engine";
import {
  killKeelInstance,
  startKeelInstance,
  waitUntilHealthy,
  type KeelInstance,
} from "@/test/support/keel-instances";
import { createOwnedDatabase } from "@/test/support/owned-database";
import { stepStatus, waitForStatus } from "@/test/support/step-workers";
import { callerAs, createTestUser } from "@/test/support/users";
import type { EngineDeps } from "./dispatch";
import { PgBossQueue } from "./jobs/pg-boss-queue";

const baseUrl = process.env.TEST_DATABASE_URL;
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const waitOn = {
  id: "wait-on-allowlist",
  title: "Wait on an allowlist",
  summary: "One automated step acting on the allowlist the run names.",
  risk: "low",
  inputs: [{ name: "allowlist", label: "Allowlist", type: "ref", target: "allowlist" }],
  steps: [
    {
      id: "wait",
      kind: "action",
      title: "Wait",
      action: "keel.wait",
      input: { seconds: 1, reason: "settle {{inputs.allowlist}}" },
    },
  ],
};

const allowlist = (name: string, workerGroup?: string) => ({
  name,
  sinks: [{ type: "file", path: `/tmp/keel-${name}.conf` }],
  ...(workerGroup ? { workerGroup } : {}),
});

/** How long a job must sit untaken to show no instance takes it: instances poll every 0.5 s. */
const UNTAKEN_MS = 4000;

describe.skipIf(!baseUrl)("worker groups across real instances (PostgreSQL)", () => {
  it("a step for group edge-nginx never executes on an instance without it, and runs when one with it starts; a web-only instance executes nothing", async () => {
    const database = await createOwnedDatabase(baseUrl!);
    cleanups.push(() => database.drop());
    const dir = mkdtempSync(path.join(os.tmpdir(), "keel-groups-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const runbooks = path.join(dir, "runbooks");
    mkdirSync(runbooks);
    writeFileSync(path.join(runbooks, "wait-on-allowlist.yaml"), JSON.stringify(waitOn));
    writeFileSync(
      path.join(dir, "targets.yaml"),
      JSON.stringify({ allowlist: [allowlist("edge", "edge-nginx"), allowlist("plain")] }),
    );
    const start = (name: string, env: Record<string, string>): KeelInstance => {
      const instance = startKeelInstance({
        DATABASE_URL: database.url,
        KEEL_DATA_DIR: path.join(dir, name),
        KEEL_DEMO: "off",
        KEEL_RUNBOOK_DIRS: runbooks,
        KEEL_TARGETS_FILE: path.join(dir, "targets.yaml"),
        KEEL_SELF_BACKUP_HOURS: "0",
        ...env,
      });
      cleanups.push(() => killKeelInstance(instance));
      return instance;
    };

    // A web-only instance alone: it loads the runbook and targets, and runs no step.
    const web = start("web", { KEEL_WORKERS: "0" });
    await waitUntilHealthy(web, 120_000);
    const handle = await openDatabase({ driver: "pg", url: database.url });
    const sender = new PgBossQueue(handle, null, { groups: [], ungrouped: false });
    await sender.start();
    cleanups.push(async () => {
      await sender.stop();
      await handle.close();
    });
    const deps: EngineDeps = { ...(await createTestEngine(handle.db)), queue: sender };
    const caller = await callerAs(handle.db, (await createTestUser(handle.db, { role: "responder" })).user, deps);
    const run = async (target: string) =>
      (
        await caller.runs.start({
          runbookId: "wait-on-allowlist",
          inputs: { allowlist: target },
          requestKey: randomUUID(),
        })
      ).runId;

    const grouped = await run("edge");
    const plain = await run("plain");
    expect(await jobQueues(handle, grouped)).toEqual(["keel-steps.edge-nginx"]);
    await pause(UNTAKEN_MS);
    expect(await stepStatus(handle.db, plain, "wait")).toBe("planning");
    expect(await stepStatus(handle.db, grouped, "wait")).toBe("planning");

    // An instance with workers and no group: the ungrouped step runs, the edge-nginx one waits.
    const anyGroup = start("any", { KEEL_WORKERS: "2" });
    await waitUntilHealthy(anyGroup, 120_000);
    await waitForStatus(handle.db, plain, "wait", "waiting_operator", 30_000);
    await pause(UNTAKEN_MS);
    expect(await stepStatus(handle.db, grouped, "wait")).toBe("planning");
    expect(await jobStates(handle, grouped, "plan")).toEqual(["created"]);

    // An instance of edge-nginx starts: it plans the step.
    const edge = start("edge", { KEEL_WORKERS: "1", KEEL_WORKER_GROUPS: "edge-nginx,-ungrouped" });
    await waitUntilHealthy(edge, 120_000);
    await waitForStatus(handle.db, grouped, "wait", "waiting_operator", 30_000);

    // It goes away; executing the step queues it for edge-nginx again, and the ungrouped instance still leaves it.
    await killKeelInstance(edge);
    await caller.runs.execute({ runId: grouped, stepId: "wait" });
    await pause(UNTAKEN_MS);
    expect(await stepStatus(handle.db, grouped, "wait")).toBe("queued");
    expect(await jobStates(handle, grouped, "execute")).toEqual(["created"]);

    // Another edge-nginx instance runs it to the end.
    const edgeAgain = start("edge-again", { KEEL_WORKERS: "1", KEEL_WORKER_GROUPS: "edge-nginx" });
    await waitUntilHealthy(edgeAgain, 120_000);
    await waitForStatus(handle.db, grouped, "wait", "succeeded", 30_000);
  }, 300_000);
});

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function jobQueues(handle: DatabaseHandle, runId: string): Promise<string[]> {
  return (
    await queryRows<{ name: string }>(
      handle.db,
      sql`select name from pgboss.job where data->>'runId' = ${runId} order by created_on`,
    )
  ).map((row) => row.name);
}

/** The states of a run's jobs of one phase in edge-nginx's queue ("created": nobody took it). */
async function jobStates(handle: DatabaseHandle, runId: string, phase: string): Promise<string[]> {
  return (
    await queryRows<{ state: string }>(
      handle.db,
      sql`select state::text from pgboss.job where data->>'runId' = ${runId} and data->>'phase' = ${phase} and name = 'keel-steps.edge-nginx' order by created_on`,
    )
  ).map((row) => row.state);
}

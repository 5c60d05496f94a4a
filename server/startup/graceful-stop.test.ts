import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { stepStatus } from "@/test/support/step-workers";
import { callerAs, createTestUser } from "@/test/support/users";
import { interruptions, probe, runningStep, startWaitingInstance } from "@/test/support/waiting-instance";
import { idempotencyKeyOf } from "../engine/jobs/step-job";

const baseUrl = process.env.TEST_DATABASE_URL;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.skipIf(!baseUrl)("SIGTERM drains the instance (PostgreSQL, a real process)", () => {
  it("a step in flight finishes within the grace period and none is interrupted; readyz 503 and livez 200 meanwhile; no new job is taken", async () => {
    const started = await startWaitingInstance(baseUrl!, cleanups, {}); // the default grace period, 60 s
    const runId = await runningStep(started, "short-wait");
    expect(await probe(started.port, "readyz")).toBe(200);

    const termAt = Date.now();
    started.instance.child.kill("SIGTERM");
    while (!started.instance.output().includes("DRAINING")) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await probe(started.port, "readyz")).toBe(503);
    expect(await probe(started.port, "livez")).toBe(200);
    expect(await stepStatus(started.handle.db, runId, "wait")).toBe("running");

    // A run started during the drain: its plan job waits for another instance.
    const caller = await callerAs(
      started.handle.db,
      (await createTestUser(started.handle.db, { role: "responder" })).user,
      started.deps,
    );
    const late = await caller.runs.start({ runbookId: "short-wait", inputs: {}, requestKey: randomUUID() });

    expect(await started.instance.exited).toBe("exit code 0");
    expect(Date.now() - termAt).toBeLessThan(60_000);
    expect(await stepStatus(started.handle.db, runId, "wait")).toBe("succeeded");
    expect(await interruptions(started.handle, runId)).toBe(0);
    expect(await stepStatus(started.handle.db, late.runId, "wait")).toBe("planning");
  }, 180_000);

  it("a step still running when the grace period ends is handed back as interrupted before the process exits", async () => {
    const started = await startWaitingInstance(baseUrl!, cleanups, { KEEL_SHUTDOWN_GRACE_SECONDS: "1" });
    const runId = await runningStep(started, "long-wait");

    const termAt = Date.now();
    started.instance.child.kill("SIGTERM");
    expect(await started.instance.exited).toBe("exit code 0");
    expect(Date.now() - termAt).toBeLessThan(20_000);
    expect(await stepStatus(started.handle.db, runId, "wait")).toBe("interrupted");
    expect(await interruptions(started.handle, runId)).toBe(1);
    const key = idempotencyKeyOf({ runId, stepId: "wait", attempt: 1, phase: "execute" });
    expect(await started.deps.leases.held([key])).toEqual(new Set());
  }, 180_000);
});

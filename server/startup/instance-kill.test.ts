import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { killKeelInstance } from "@/test/support/keel-instances";
import { stepStatus, waitWhileStatus } from "@/test/support/step-workers";
import { interruptions, runningStep, startWaitingInstance } from "@/test/support/waiting-instance";
import { startOrphanSweep } from "../engine/sweep";

const baseUrl = process.env.TEST_DATABASE_URL;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.skipIf(!baseUrl)("a killed instance (PostgreSQL, a real process; PGlite is one process)", () => {
  it("keeps its running step while it lives; once SIGKILLed, another instance's sweep interrupts the step within 5 s", async () => {
    const started = await startWaitingInstance(baseUrl!, cleanups, {});
    const runId = await runningStep(started, "long-wait");
    // This process is the other instance: it sweeps every second, as every instance does.
    const stopSweep = startOrphanSweep(started.deps);
    try {
      await sleep(3000);
      expect(await stepStatus(started.handle.db, runId, "wait")).toBe("running");

      const killedAt = Date.now();
      await killKeelInstance(started.instance);
      expect(await waitWhileStatus(started.handle.db, runId, "wait", "running", 5000)).toBe("interrupted");
      expect(Date.now() - killedAt).toBeLessThan(5000);
      expect(await interruptions(started.handle, runId)).toBe(1);
    } finally {
      stopSweep();
    }
  }, 180_000);
});

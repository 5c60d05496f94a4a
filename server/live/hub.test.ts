import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle, type Queryable } from "@/db/client";
import { queryRows } from "@/db/execute";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { withTimeout } from "@/test/support/with-timeout";
import { LiveHub, type LiveEvent } from "./hub";
import { notifyRunChanged, notifyRunOutput } from "./notify";
import { LISTENER_APPLICATION_NAME } from "./postgres-listener";

const driver = process.env.TEST_DATABASE_URL ? "postgres" : "pglite";
const FAST_RECONNECT = { initialDelayMs: 50, maxDelayMs: 500 };

let handle: TestDatabase;
let hub: LiveHub;
beforeAll(async () => {
  handle = await createTestDatabase();
  hub = new LiveHub(handle, { backoff: FAST_RECONNECT });
  await hub.start();
});
afterAll(async () => {
  await hub.stop();
  await handle.drop();
});

/** Everything a hub delivers for one run, and a way to wait until some of it has arrived. */
function watch(source: LiveHub, runId: string) {
  const events: LiveEvent[] = [];
  const waiters = new Set<() => void>();
  const unsubscribe = source.subscribe(runId, (event) => {
    events.push(event);
    for (const wake of [...waiters]) wake();
  });
  const until = (done: (events: LiveEvent[]) => boolean, ms = 1_000) =>
    withTimeout(
      new Promise<LiveEvent[]>((resolve) => {
        const check = () => {
          if (!done(events)) return;
          waiters.delete(check);
          resolve(events);
        };
        waiters.add(check);
        check();
      }),
      ms,
      `expected events for run ${runId} did not arrive within ${ms} ms; got ${JSON.stringify(events)}`,
    );
  return { events, unsubscribe, until };
}

const hasVersion = (version: number) => (events: LiveEvent[]) =>
  events.some((e) => e.channel === "run_changed" && e.version === version);

async function rolledBack(work: (tx: Queryable) => Promise<void>): Promise<void> {
  await expect(
    handle.db.transaction(async (tx) => {
      await work(tx);
      throw new Error("roll back");
    }),
  ).rejects.toThrow("roll back");
}

describe(`live hub (${driver})`, () => {
  it("delivers a notification sent inside a transaction only once it commits", async () => {
    const runId = randomUUID();
    const watcher = watch(hub, runId);
    await handle.db.transaction(async (tx) => {
      await notifyRunChanged(tx, runId, 2);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(watcher.events).toEqual([]);
    });
    await watcher.until(hasVersion(2));
    expect(watcher.events).toEqual([{ channel: "run_changed", runId, version: 2 }]);
    watcher.unsubscribe();
  });

  it("never delivers a notification whose transaction rolled back", async () => {
    const runId = randomUUID();
    const watcher = watch(hub, runId);
    await rolledBack(async (tx) => {
      await notifyRunChanged(tx, runId, 5);
      await notifyRunOutput(tx, { runId, stepId: "restore", attempt: 1, lastLineNo: 10 });
    });
    // Notifications arrive in commit order: once this one is here, the rolled-back ones never will.
    await notifyRunChanged(handle.db, runId, 6);
    await watcher.until(hasVersion(6));
    expect(watcher.events).toEqual([{ channel: "run_changed", runId, version: 6 }]);
    watcher.unsubscribe();
  });

  it("delivers events only to the subscribers of their run, and stops after unsubscribing", async () => {
    const [runA, runB] = [randomUUID(), randomUUID()];
    const watchingA = watch(hub, runA);
    const alsoWatchingA = watch(hub, runA);
    const watchingB = watch(hub, runB);
    await notifyRunOutput(handle.db, { runId: runA, stepId: "restore", attempt: 2, lastLineNo: 41 });
    await notifyRunChanged(handle.db, runB, 3);
    await watchingB.until(hasVersion(3));
    await watchingA.until((events) => events.length === 1);
    await alsoWatchingA.until((events) => events.length === 1);
    expect(watchingA.events).toEqual([
      { channel: "run_output", runId: runA, stepId: "restore", attempt: 2, lastLineNo: 41 },
    ]);
    expect(alsoWatchingA.events).toEqual(watchingA.events);
    expect(watchingB.events).toEqual([{ channel: "run_changed", runId: runB, version: 3 }]);

    alsoWatchingA.unsubscribe();
    await notifyRunChanged(handle.db, runA, 4);
    await watchingA.until(hasVersion(4));
    expect(alsoWatchingA.events).toHaveLength(1);
    watchingA.unsubscribe();
    watchingB.unsubscribe();
    expect(hub.watchedRunCount()).toBe(0);
  });

  it("ignores malformed payloads and keeps delivering", async () => {
    const runId = randomUUID();
    const watcher = watch(hub, runId);
    const malformed = [
      ["keel_run_changed", "not json"],
      ["keel_run_changed", JSON.stringify({ runId, version: -1 })],
      ["keel_run_changed", JSON.stringify({ runId, version: "7" })],
      ["keel_run_changed", JSON.stringify({ runId: "not-a-uuid", version: 7 })],
      ["keel_run_changed", JSON.stringify({ runId, version: 7, text: "extra fields are refused" })],
      ["keel_run_output", JSON.stringify({ runId, stepId: "has spaces", attempt: 1, lastLineNo: 1 })],
      ["keel_run_output", JSON.stringify({ runId, attempt: 1, lastLineNo: 1 })],
      ["keel_run_output", ""],
      ["keel_run_output", "[]"],
    ];
    for (const [channel, payload] of malformed) await handle.db.execute(sql`select pg_notify(${channel}, ${payload})`);
    await notifyRunChanged(handle.db, runId, 8);
    await watcher.until(hasVersion(8));
    expect(watcher.events).toEqual([{ channel: "run_changed", runId, version: 8 }]);
    watcher.unsubscribe();
  });

  it("keeps delivering to the others when one subscriber throws", async () => {
    const runId = randomUUID();
    const unsubscribeFaulty = hub.subscribe(runId, () => {
      throw new Error("a broken page");
    });
    const watcher = watch(hub, runId);
    await notifyRunChanged(handle.db, runId, 9);
    await watcher.until(hasVersion(9));
    unsubscribeFaulty();
    watcher.unsubscribe();
  });

  it("refuses to send what no listener would accept", async () => {
    const runId = randomUUID();
    await expect(notifyRunChanged(handle.db, "not-a-uuid", 1)).rejects.toThrow();
    await expect(notifyRunChanged(handle.db, runId, 1.5)).rejects.toThrow();
    await expect(
      notifyRunOutput(handle.db, { runId, stepId: "a line of output, not an id", attempt: 1, lastLineNo: 1 }),
    ).rejects.toThrow();
  });
});

describe.skipIf(driver !== "postgres")(
  "live hub across app instances (PostgreSQL only: embedded PGlite is one process with one session)",
  () => {
    async function openSecondInstance(): Promise<DatabaseHandle> {
      return openDatabase(handle.target);
    }

    it("delivers a change made through a third connection to two hubs on separate handles within a second", async () => {
      const [first, second] = await Promise.all([openSecondInstance(), openSecondInstance()]);
      const hubs = [new LiveHub(first), new LiveHub(second)];
      try {
        await Promise.all(hubs.map((h) => h.start()));
        const runId = randomUUID();
        const watchers = hubs.map((h) => watch(h, runId));
        const started = Date.now();
        await handle.db.transaction((tx) => notifyRunChanged(tx, runId, 11));
        await Promise.all(watchers.map((w) => w.until(hasVersion(11), 1_000)));
        expect(Date.now() - started).toBeLessThan(1_000);
      } finally {
        await Promise.all(hubs.map((h) => h.stop()));
        await Promise.all([first.close(), second.close()]);
      }
    });

    it("reconnects and listens again after its connection is killed", async () => {
      const runId = randomUUID();
      const watcher = watch(hub, runId);
      const reconnected = new Promise<void>((resolve) => {
        const stop = hub.onReconnected(() => {
          stop();
          resolve();
        });
      });
      const killed = await queryRows<{ terminated: boolean }>(
        handle.db,
        sql`select pg_terminate_backend(pid) as terminated from pg_stat_activity
          where datname = current_database() and application_name = ${LISTENER_APPLICATION_NAME}`,
      );
      expect(killed).toEqual([{ terminated: true }]);
      await withTimeout(reconnected, 5_000, "the hub did not reconnect");

      await notifyRunChanged(handle.db, runId, 12);
      await watcher.until(hasVersion(12));
      watcher.unsubscribe();
    });
  },
);

import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stepOutputLines } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { bumpRunVersion, insertBareRun } from "@/test/support/live-runs";
import { rememberSecret } from "@/test/support/secrets-used";
import { SseReader } from "@/test/support/sse-reader";
import { withTimeout } from "@/test/support/with-timeout";
import { LiveHub } from "./hub";
import { notifyRunChanged, notifyRunOutput } from "./notify";
import { LISTENER_APPLICATION_NAME } from "./postgres-listener";
import { createRunEventStream } from "./run-event-stream";
import { currentRunVersion } from "./run-version";

const driver = process.env.TEST_DATABASE_URL ? "postgres" : "pglite";

let handle: TestDatabase;
let hub: LiveHub;
beforeAll(async () => {
  handle = await createTestDatabase();
  hub = new LiveHub(handle, { backoff: { initialDelayMs: 50, maxDelayMs: 500 } });
  await hub.start();
});
afterAll(async () => {
  await hub.stop();
  await handle.drop();
});

function openStream(runId: string, options: { lastEventId?: string; heartbeatMs?: number } = {}) {
  const abort = new AbortController();
  const stream = createRunEventStream({
    hub,
    runId,
    currentVersion: () => currentRunVersion(handle.db, runId),
    lastEventId: options.lastEventId ?? null,
    signal: abort.signal,
    heartbeatMs: options.heartbeatMs,
  });
  return { reader: new SseReader(stream), abort };
}

/** A change as the engine makes it: version bump and notification in one transaction. */
async function changeRun(runId: string): Promise<number> {
  return handle.db.transaction(async (tx) => {
    const version = await bumpRunVersion(tx, runId);
    await notifyRunChanged(tx, runId, version);
    return version;
  });
}

describe(`run event stream (${driver})`, () => {
  it("starts with the retry delay and the run's current version, even when the client already has it", async () => {
    const runId = await insertBareRun(handle.db);
    const { reader, abort } = openStream(runId, { lastEventId: "1" });
    expect(await reader.next()).toBe("retry: 2000");
    expect(await reader.next()).toBe('event: run\nid: 1\ndata: {"version":1}');
    abort.abort();
  });

  it("announces each change with the new version as its id", async () => {
    const runId = await insertBareRun(handle.db);
    const { reader, abort } = openStream(runId);
    await reader.next();
    expect(await reader.nextEvent()).toContain("id: 1");
    const version = await changeRun(runId);
    expect(version).toBe(2);
    expect(await reader.nextEvent()).toBe('event: run\nid: 2\ndata: {"version":2}');
    expect(await changeRun(runId)).toBe(3);
    expect(await reader.nextEvent()).toBe('event: run\nid: 3\ndata: {"version":3}');
    abort.abort();
  });

  it("skips a version older than the one already sent", async () => {
    const runId = await insertBareRun(handle.db);
    const { reader, abort } = openStream(runId);
    await reader.next();
    await reader.nextEvent();
    await notifyRunChanged(handle.db, runId, 1);
    await changeRun(runId);
    expect(await reader.nextEvent()).toBe('event: run\nid: 2\ndata: {"version":2}');
    abort.abort();
  });

  it("announces output by step, attempt and line number, never with its text, and without moving the id", async () => {
    const runId = await insertBareRun(handle.db);
    const { reader, abort } = openStream(runId);
    await reader.next();
    await reader.nextEvent();
    const secretLooking = rememberSecret(`token-${randomUUID()}`);
    await handle.db.transaction(async (tx) => {
      await tx.insert(stepOutputLines).values([
        { runId, stepId: "confirm", attempt: 1, lineNo: 1, stream: "stdout", text: `restoring with ${secretLooking}` },
        { runId, stepId: "confirm", attempt: 1, lineNo: 2, stream: "stderr", text: "done" },
      ]);
      await notifyRunOutput(tx, { runId, stepId: "confirm", attempt: 1, lastLineNo: 2 });
    });
    const block = await reader.nextEvent();
    expect(block).toBe('event: output\ndata: {"stepId":"confirm","attempt":1,"lastLineNo":2}');
    expect(block).not.toContain(secretLooking);
    expect(block).not.toContain("id:");
    abort.abort();
  });

  it("sends heartbeat comments", async () => {
    const runId = await insertBareRun(handle.db);
    const { reader, abort } = openStream(runId, { heartbeatMs: 20 });
    await reader.next();
    await reader.nextEvent();
    expect(await reader.next()).toBe(": ping");
    abort.abort();
  });

  it("ends and unsubscribes when the request is aborted", async () => {
    const runId = await insertBareRun(handle.db);
    const before = hub.watchedRunCount();
    const { reader, abort } = openStream(runId, { heartbeatMs: 20 });
    await reader.next();
    await reader.nextEvent();
    expect(hub.watchedRunCount()).toBe(before + 1);
    abort.abort();
    expect(await reader.ended()).toBe(true);
    expect(hub.watchedRunCount()).toBe(before);
  });

  it("unsubscribes when the reader cancels", async () => {
    const runId = await insertBareRun(handle.db);
    const before = hub.watchedRunCount();
    const { reader } = openStream(runId);
    await reader.next();
    await reader.nextEvent();
    await reader.cancel();
    expect(hub.watchedRunCount()).toBe(before);
  });

  it("ends at once on a request aborted before it started", async () => {
    const abort = new AbortController();
    abort.abort();
    const stream = createRunEventStream({
      hub,
      runId: randomUUID(),
      currentVersion: async () => 1,
      lastEventId: null,
      signal: abort.signal,
    });
    expect(await new SseReader(stream).ended()).toBe(true);
  });

  it("says gone and ends for a run that does not exist", async () => {
    const before = hub.watchedRunCount();
    const { reader } = openStream(randomUUID());
    expect(await reader.next()).toBe("retry: 2000");
    expect(await reader.nextEvent()).toBe("event: gone\ndata: {}");
    expect(await reader.ended()).toBe(true);
    expect(hub.watchedRunCount()).toBe(before);
  });

  it("ends, so the browser retries, when the version cannot be read", async () => {
    const abort = new AbortController();
    const stream = createRunEventStream({
      hub,
      runId: randomUUID(),
      currentVersion: () => Promise.reject(new Error("database unreachable")),
      lastEventId: null,
      signal: abort.signal,
    });
    const reader = new SseReader(stream);
    expect(await reader.next()).toBe("retry: 2000");
    expect(await reader.ended()).toBe(true);
  });
});

describe.skipIf(driver !== "postgres")(
  "run event stream after the hub reconnects (PostgreSQL only: PGlite has no connection to lose)",
  () => {
    it("sends the current version, since changes made while the hub was away were never heard", async () => {
      const runId = await insertBareRun(handle.db);
      const { reader, abort } = openStream(runId);
      await reader.next();
      expect(await reader.nextEvent()).toContain("id: 1");
      const reconnected = new Promise<void>((resolve) => {
        const stop = hub.onReconnected(() => {
          stop();
          resolve();
        });
      });
      await handle.db.execute(sql`select pg_terminate_backend(pid) from pg_stat_activity
      where datname = current_database() and application_name = ${LISTENER_APPLICATION_NAME}`);
      // A change whose notification the hub never hears, as when it lands during the outage.
      await bumpRunVersion(handle.db, runId);
      await withTimeout(reconnected, 5_000, "the hub did not reconnect");
      expect(await reader.nextEvent()).toBe('event: run\nid: 2\ndata: {"version":2}');
      abort.abort();
    });
  },
);

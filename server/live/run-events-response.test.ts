import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResolvedSession } from "@/server/auth/sessions";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { insertBareRun } from "@/test/support/live-runs";
import { SseReader } from "@/test/support/sse-reader";
import { LiveHub } from "./hub";
import { parseRunEventsParams, runEventsResponse, type RunEventsDependencies } from "./run-events-response";

/*
 * The route handler only wires these dependencies to Next's request scope (the session cookie);
 * the whole path through a browser belongs to the run page's e2e journey.
 */

let handle: TestDatabase;
let hub: LiveHub;
beforeAll(async () => {
  handle = await createTestDatabase();
  hub = new LiveHub(handle);
  await hub.start();
});
afterAll(async () => {
  await hub.stop();
  await handle.drop();
});

const viewer: ResolvedSession = {
  sessionId: "3f0c4a52-4a39-4d47-9b7e-2f7c1c1c2b10",
  createdAt: new Date(),
  user: {
    id: "8d1b3c58-0a4f-4f7e-a3c2-6a3b7e9f0d21",
    email: "viewer@example.test",
    name: "Viewer",
    role: "viewer",
    mustChangePassword: false,
  },
};

function dependencies(session: ResolvedSession | null): RunEventsDependencies & { opened: string[] } {
  const opened: string[] = [];
  return {
    opened,
    session: async () => session,
    hub: async () => (opened.push("hub"), hub),
    db: async () => (opened.push("db"), handle.db),
  };
}

function request(signal?: AbortSignal): Request {
  return new Request("http://localhost:3000/api/runs/x/events", {
    headers: { "x-request-id": "req-live-test", "last-event-id": "1" },
    signal,
  });
}

describe("run events request", () => {
  it("accepts a run id that is a UUID", () => {
    expect(parseRunEventsParams({ runId: "0b6f2d3e-5c8a-4f1e-9d2b-7a6c5e4f3a21" })).toEqual({
      runId: "0b6f2d3e-5c8a-4f1e-9d2b-7a6c5e4f3a21",
    });
  });

  it.each([["not-a-uuid"], [""], ["0b6f2d3e-5c8a-4f1e-9d2b-7a6c5e4f3a21x"], [undefined]])(
    "refuses %j, naming the runId field",
    (runId) => {
      expect(() => parseRunEventsParams({ runId })).toThrowError(
        expect.objectContaining({ code: "BAD_REQUEST", details: { fields: { runId: expect.any(String) } } }),
      );
    },
  );
});

describe(`run events response (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("answers 401 in the envelope without a session, before looking at anything else", async () => {
    const deps = dependencies(null);
    const response = await runEventsResponse(request(), { runId: "not-a-uuid" }, deps);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: { code: "UNAUTHORIZED", message: "Sign in to continue.", requestId: "req-live-test" },
    });
    expect(deps.opened).toEqual([]);
  });

  it("answers 403 while the user must still replace a one-time password", async () => {
    const response = await runEventsResponse(
      request(),
      { runId: "not-a-uuid" },
      dependencies({ ...viewer, user: { ...viewer.user, mustChangePassword: true } }),
    );
    expect(response.status).toBe(403);
    expect((await response.json()).error.code).toBe("FORBIDDEN");
  });

  it("answers 400 naming runId for an id that is not a UUID", async () => {
    const response = await runEventsResponse(request(), { runId: "42" }, dependencies(viewer));
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.error).toMatchObject({
      code: "BAD_REQUEST",
      requestId: "req-live-test",
      details: { fields: { runId: expect.any(String) } },
    });
  });

  it("streams the run's events to any signed-in user, with headers that keep proxies from buffering", async () => {
    const runId = await insertBareRun(handle.db);
    const abort = new AbortController();
    const response = await runEventsResponse(request(abort.signal), { runId }, dependencies(viewer));
    expect(response.status).toBe(200);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store, no-transform",
      "x-accel-buffering": "no",
      connection: "keep-alive",
    });
    const reader = new SseReader(response.body!);
    expect(await reader.next()).toBe("retry: 2000");
    expect(await reader.next()).toBe('event: run\nid: 1\ndata: {"version":1}');
    abort.abort();
    expect(await reader.ended()).toBe(true);
  });
});

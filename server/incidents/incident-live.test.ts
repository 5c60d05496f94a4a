import { randomUUID } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, type User } from "@/db/schema";
import type { ResolvedSession } from "@/server/auth/sessions";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { createTestEngine, installRunbook, type TestEngine } from "@/test/support/engine";
import { SseReader } from "@/test/support/sse-reader";
import { callerAs, createTestUser } from "@/test/support/users";
import { LiveHub } from "../live/hub";
import { incidentEventsResponse } from "../live/incident-events-response";
import { postmortemResponse } from "./postmortem-response";

/*
 * The two route handlers of an incident, with their dependencies passed in (the session cookie is
 * Next's part): the live stream that follows the incident and its runs, and the postmortem download.
 */

const driver = process.env.TEST_DATABASE_URL ? "postgres" : "pglite";
let handle: TestDatabase;
let hub: LiveHub;
let engine: TestEngine;

beforeAll(async () => {
  handle = await createTestDatabase();
  hub = new LiveHub(handle);
  await hub.start();
  engine = await createTestEngine(handle.db);
  await installRunbook(handle.db, {
    id: "live-fix",
    title: "Live fix",
    summary: "A manual step, then a check.",
    risk: "low",
    services: ["checkout"],
    steps: [
      { id: "look", kind: "manual", title: "Look", instructions: "Look." },
      { id: "healthy", kind: "check", title: "Healthy", check: "test.flag", input: { pass: true } },
    ],
  });
});
afterAll(async () => {
  await hub.stop();
  await handle.drop();
});

function sessionOf(user: User): ResolvedSession {
  return {
    sessionId: randomUUID(),
    createdAt: new Date(),
    user: { id: user.id, email: user.email, name: user.name, role: user.role, mustChangePassword: false },
  };
}

function deps(session: ResolvedSession | null) {
  return { session: async () => session, hub: async () => hub, db: async () => handle.db };
}

const request = (path: string, signal?: AbortSignal) =>
  new Request(`http://localhost:3000${path}`, {
    headers: { "x-request-id": "req-incident-test", "x-keel-client-ip": "203.0.113.9" },
    signal,
  });

async function nextChange(reader: SseReader): Promise<string> {
  const block = await reader.nextEvent(5_000);
  expect(block).toMatch(/^event: changed\ndata: \{"version":\d+\}$/);
  return block!;
}

describe(`incident routes (${driver})`, () => {
  it("refuses both without a session, in the envelope", async () => {
    const stream = await incidentEventsResponse(request("/api/incidents/x/events"), { id: randomUUID() }, deps(null));
    expect(stream.status).toBe(401);
    const download = await postmortemResponse(request("/api/incidents/x/postmortem"), { id: randomUUID() }, deps(null));
    expect(download.status).toBe(401);
    expect(((await download.json()) as { error: { code: string } }).error.code).toBe("UNAUTHORIZED");
  });

  it("names the id when it is not a UUID, and answers 404 for an incident that does not exist", async () => {
    const { user } = await createTestUser(handle.db, { role: "viewer" });
    const bad = await postmortemResponse(request("/api/incidents/x/postmortem"), { id: "nope" }, deps(sessionOf(user)));
    expect(bad.status).toBe(400);
    expect(
      ((await bad.json()) as { error: { details: { fields: Record<string, string> } } }).error.details.fields.id,
    ).toMatch(/UUID/);
    const missing = await postmortemResponse(
      request("/api/incidents/x/postmortem"),
      { id: randomUUID() },
      deps(sessionOf(user)),
    );
    expect(missing.status).toBe(404);
  });

  it("streams a change when the incident changes, when a run joins it, and when that run advances", async () => {
    const { user: responder } = await createTestUser(handle.db, { role: "responder" });
    const { user: viewer } = await createTestUser(handle.db, { role: "viewer" });
    const call = await callerAs(handle.db, responder, engine);
    const { incidentId } = await call.incidents.declare({
      title: "Checkout is slow",
      severity: "SEV3",
      services: ["checkout"],
      tags: [],
    });

    const abort = new AbortController();
    const response = await incidentEventsResponse(
      request(`/api/incidents/${incidentId}/events`, abort.signal),
      { id: incidentId },
      deps(sessionOf(viewer)),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const reader = new SseReader(response.body!);
    expect(await reader.next()).toBe("retry: 2000");
    await nextChange(reader);

    await call.incidents.addNote({ incidentId, body: "Looking at it" });
    await nextChange(reader);

    const run = await call.runs.start({ runbookId: "live-fix", inputs: {}, requestKey: randomUUID(), incidentId });
    await nextChange(reader);

    abort.abort();
    expect(await reader.ended()).toBe(true);

    // A page opened now follows the run itself: confirming a step and the check running change
    // nothing on the incident row, so these events can only come from the run's notifications.
    const again = new AbortController();
    const reopened = await incidentEventsResponse(
      request(`/api/incidents/${incidentId}/events`, again.signal),
      { id: incidentId },
      deps(sessionOf(viewer)),
    );
    const follower = new SseReader(reopened.body!);
    expect(await follower.next()).toBe("retry: 2000");
    await nextChange(follower);
    await call.runs.confirm({ runId: run.runId, stepId: "look" });
    await nextChange(follower);
    await engine.drain();
    await nextChange(follower);

    const { entries } = await call.incidents.timeline({ incidentId });
    expect(entries.map((e) => e.eventType)).toEqual(
      expect.arrayContaining(["step.confirmed", "step.succeeded", "run.succeeded"]),
    );
    again.abort();
    expect(await follower.ended()).toBe(true);
  });

  it("downloads the postmortem as Markdown with a file name, and records the export", async () => {
    const { user: responder } = await createTestUser(handle.db, { role: "responder" });
    const { user: viewer } = await createTestUser(handle.db, { role: "viewer" });
    const call = await callerAs(handle.db, responder, engine);
    const { incidentId, number } = await call.incidents.declare({
      title: "Search is down",
      severity: "SEV1",
      services: [],
      tags: [],
    });
    await call.incidents.changeStatus({ incidentId, status: "resolved", summary: "The index was rebuilt." });

    const response = await postmortemResponse(
      request(`/api/incidents/${incidentId}/postmortem`),
      { id: incidentId },
      deps(sessionOf(viewer)),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="incident-${number}-postmortem.md"`);
    const text = await response.text();
    expect(text).toContain(`# Postmortem draft: Incident ${number}, Search is down`);
    expect(text).toMatch(/## Summary\n\nThe index was rebuilt\.\n/);

    const exports = await handle.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.eventType, "incident.postmortem_exported"))
      .orderBy(asc(auditEvents.seq));
    expect(exports.at(-1)).toMatchObject({
      actorUserId: viewer.id,
      entityType: "incident",
      entityId: incidentId,
      outcome: "success",
    });
    expect(exports.at(-1)!.eventMeta).toMatchObject({
      incidentNumber: number,
      format: "markdown",
      bytes: Buffer.byteLength(text),
      fileName: `incident-${number}-postmortem.md`,
    });
    expect(exports.at(-1)!.requestMeta).toMatchObject({ ip: "203.0.113.9", requestId: "req-incident-test" });
    // The export is in the audit trail, not in the incident's timeline.
    expect(
      (await call.incidents.timeline({ incidentId })).entries.some(
        (e) => e.eventType === "incident.postmortem_exported",
      ),
    ).toBe(false);
  });
});

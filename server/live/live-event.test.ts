import { describe, expect, it } from "vitest";
import { decodeLiveEvent, encodeLiveEvent, liveEventTopic, type LiveEvent } from "./live-event";

const runId = "0b6f2d3e-5c8a-4f1e-9d2b-7a6c5e4f3a21";

describe("live event payloads", () => {
  it.each<LiveEvent>([
    { channel: "run_changed", runId, version: 7 },
    { channel: "run_output", runId, stepId: "restore-db", attempt: 2, lastLineNo: 130 },
    { channel: "incident_changed", incidentId: runId, version: 3 },
    { channel: "sessions_changed", userId: runId, sessionId: null },
    { channel: "sessions_changed", userId: runId, sessionId: runId },
  ])("round-trip through their channel: %j", (event) => {
    const { channel, payload } = encodeLiveEvent(event);
    expect(decodeLiveEvent(channel, payload)).toEqual(event);
  });

  it("uses one Postgres channel per kind, with ids and numbers only", () => {
    expect(encodeLiveEvent({ channel: "run_changed", runId, version: 7 })).toEqual({
      channel: "keel_run_changed",
      payload: `{"runId":"${runId}","version":7}`,
    });
    expect(encodeLiveEvent({ channel: "run_output", runId, stepId: "restore", attempt: 1, lastLineNo: 3 })).toEqual({
      channel: "keel_run_output",
      payload: `{"runId":"${runId}","stepId":"restore","attempt":1,"lastLineNo":3}`,
    });
  });

  it("gives an incident's changes a topic of their own in the hub", () => {
    expect(liveEventTopic({ channel: "incident_changed", incidentId: runId, version: 1 })).toBe(`incident:${runId}`);
    expect(liveEventTopic({ channel: "run_changed", runId, version: 1 })).toBe(runId);
  });

  it("drops whatever else an event object carries", () => {
    const withText = {
      channel: "run_output",
      runId,
      stepId: "restore",
      attempt: 1,
      lastLineNo: 3,
      text: "password=hunter2",
    } as LiveEvent;
    expect(encodeLiveEvent(withText).payload).not.toContain("hunter2");
  });

  it("refuses to encode what no listener would accept", () => {
    expect(() => encodeLiveEvent({ channel: "run_changed", runId: "run-1", version: 1 })).toThrow();
    expect(() => encodeLiveEvent({ channel: "run_changed", runId, version: Number.NaN })).toThrow();
    expect(() =>
      encodeLiveEvent({ channel: "run_output", runId, stepId: "x".repeat(129), attempt: 1, lastLineNo: 1 }),
    ).toThrow();
  });

  it.each([
    ["keel_run_changed", undefined],
    ["keel_run_changed", "{"],
    ["keel_run_changed", "null"],
    ["keel_run_changed", `{"runId":"${runId}"}`],
    ["keel_run_output", `{"runId":"${runId}","version":1}`],
    ["keel_incident_changed", `{"runId":"${runId}","version":1}`],
    ["keel_incident_changed", `{"incidentId":"not-a-uuid","version":1}`],
    ["another_channel", `{"runId":"${runId}","version":1}`],
  ])("decodes %s %j as nothing", (channel, payload) => {
    expect(decodeLiveEvent(channel, payload)).toBeNull();
  });
});

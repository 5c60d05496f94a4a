import { describe, expect, it } from "vitest";
import { parseOutputEventData, parseRunEventData, runEventsUrl } from "./run-event-protocol";

describe("run event protocol", () => {
  it("reads the data of run and output events", () => {
    expect(parseRunEventData('{"version":4}')).toEqual({ version: 4 });
    expect(parseOutputEventData('{"stepId":"restore","attempt":1,"lastLineNo":12}')).toEqual({
      stepId: "restore",
      attempt: 1,
      lastLineNo: 12,
    });
  });

  it.each(["", "{", "[]", "null", '{"version":"4"}', '{"version":-1}', '{"version":1.5}'])(
    "ignores run data %j",
    (data) => {
      expect(parseRunEventData(data)).toBeNull();
    },
  );

  it.each(['{"stepId":1,"attempt":1,"lastLineNo":1}', '{"stepId":"a","lastLineNo":1}', "{}"])(
    "ignores output data %j",
    (data) => {
      expect(parseOutputEventData(data)).toBeNull();
    },
  );

  it("builds the stream's URL", () => {
    expect(runEventsUrl("0b6f2d3e-5c8a-4f1e-9d2b-7a6c5e4f3a21")).toBe(
      "/api/runs/0b6f2d3e-5c8a-4f1e-9d2b-7a6c5e4f3a21/events",
    );
  });
});

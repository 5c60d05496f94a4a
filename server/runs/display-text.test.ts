import { describe, expect, it } from "vitest";
import { displayText } from "./display-text";

const scope = {
  inputs: { service: "checkout", ticket: null },
  steps: { assess: { status: "succeeded", output: { range: "10.0.0.0/16" } } },
  run: { id: "r1", number: 7, startedBy: "ana@example.test" },
};

describe("displayText", () => {
  it("fills what the run knows and leaves the rest as written", () => {
    expect(displayText("Let {{ inputs.service }} settle (run {{run.number}})", scope)).toBe("Let checkout settle (run 7)");
    expect(displayText("Allow {{steps.assess.output.range}}", scope)).toBe("Allow 10.0.0.0/16");
    expect(displayText("Restore {{steps.later.output.file}}", scope)).toBe("Restore {{steps.later.output.file}}");
    expect(displayText("Ticket: {{inputs.ticket}}", scope)).toBe("Ticket: {{inputs.ticket}}");
  });
});

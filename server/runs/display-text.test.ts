import { describe, expect, it } from "vitest";
import { displayText } from "./display-text";

const scope = {
  inputs: { service: "checkout", ticket: null },
  steps: { assess: { status: "succeeded", output: { range: "10.0.0.0/16" } } },
  run: { id: "r1", number: 7, startedBy: "ana@example.test" },
};

const definition = {
  inputs: [
    { name: "service", label: "Service", type: "string" as const },
    { name: "ticket", label: "Ticket", type: "string" as const },
    { name: "token", label: "API token", type: "secret" as const },
  ],
  steps: [
    { id: "assess", kind: "manual" as const, title: "Assess {{inputs.service}}" },
    { id: "later", kind: "manual" as const, title: "Take a backup of {{inputs.service}}" },
  ],
} as unknown as Parameters<typeof displayText>[2];

describe("displayText", () => {
  it("fills what the run knows and names, in words, what it does not know yet", () => {
    expect(displayText("Let {{ inputs.service }} settle (run {{run.number}})", scope)).toBe(
      "Let checkout settle (run 7)",
    );
    expect(displayText("Allow {{steps.assess.output.range}}", scope)).toBe("Allow 10.0.0.0/16");
    expect(displayText("Restore {{steps.later.output.file}}", scope, definition)).toBe(
      "Restore what “Take a backup of checkout” reports",
    );
    expect(displayText("Ticket: {{inputs.ticket}}", scope, definition)).toBe("Ticket: no ticket (left empty)");
    expect(displayText("Send {{inputs.token}}", scope, definition)).toBe("Send the API token (secret, never shown)");
  });

  it("never leaves a raw template, even without the runbook's labels", () => {
    for (const text of ["{{steps.later.output.file}}", "{{inputs.nothing}}", "{{run.whatever}}", "{{ odd }}"])
      expect(displayText(text, scope)).not.toContain("{{");
  });
});

import { describe, expect, it } from "vitest";
import { readingText } from "./reading-text";

const labels = { allowlist: "Allowlist", ip: "IP address or range", service: "Service" };

describe("readingText (the start form and the run page)", () => {
  it("reads a value not chosen yet as words, and the value once it is chosen", () => {
    expect(readingText("Add the entry to {{inputs.allowlist}}", { inputs: {}, inputLabels: labels })).toBe(
      "Add the entry to the chosen allowlist",
    );
    expect(
      readingText("Holds allowlist:{{inputs.allowlist}}", { inputs: { allowlist: "" }, inputLabels: labels }),
    ).toBe("Holds allowlist:the chosen allowlist");
    expect(readingText("Allow {{ inputs.ip }}", { inputs: {}, inputLabels: labels })).toBe(
      "Allow the chosen IP address or range",
    );
    expect(
      readingText("Add the entry to {{inputs.allowlist}}", { inputs: { allowlist: "edge" }, inputLabels: labels }),
    ).toBe("Add the entry to edge");
    expect(
      readingText("Roll back {{inputs.service}} ({{inputs.dryRun}})", {
        inputs: { service: "demo-web", dryRun: false },
        inputLabels: labels,
      }),
    ).toBe("Roll back demo-web (false)");
  });

  it("names a later step's result and the run before they exist", () => {
    const scope = { inputs: {}, inputLabels: labels, stepTitles: { add: "Add the entry" } };
    expect(readingText("{{steps.add.output.cidr}} is allowed", scope)).toBe("what “Add the entry” reports is allowed");
    expect(readingText("{{steps.add.status}}", scope)).toBe("the outcome of “Add the entry”");
    expect(readingText("Run {{run.number}} by {{run.startedBy}}", scope)).toBe(
      "Run this run's number by the person who starts the run",
    );
    expect(
      readingText("{{steps.add.output.cidr}}", {
        ...scope,
        steps: { add: { status: "succeeded", output: { cidr: "10.0.0.0/8" } } },
      }),
    ).toBe("10.0.0.0/8");
  });

  it("never returns a raw template, whatever the reference", () => {
    for (const text of [
      "{{}}",
      "{{ inputs }}",
      "{{steps}}",
      "{{x.y.z}}",
      "{{inputs.__proto__}}",
      "{{steps.a.output.constructor}}",
    ]) {
      expect(readingText(text, { inputs: {}, inputLabels: {} })).not.toMatch(/\{\{|\}\}/);
    }
  });
});

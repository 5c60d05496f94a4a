import { describe, expect, it } from "vitest";
import { inputDefinition } from "./definition";
import { describeCondition, describeInputRequirement, describeInputType } from "./describe";

const input = (value: unknown) => inputDefinition.parse(value);

describe("runbook descriptions", () => {
  it("describes input types with their bounds", () => {
    expect(describeInputType(input({ name: "n", label: "N", type: "number", integer: true, min: 1, max: 600 }))).toBe(
      "whole number, 1 to 600",
    );
    expect(
      describeInputType(
        input({ name: "e", label: "E", type: "enum", options: ["staging", { value: "prod", label: "Production" }] }),
      ),
    ).toBe("one of staging, Production");
    expect(describeInputType(input({ name: "s", label: "S", type: "string", maxLength: 40 }))).toBe(
      "text, up to 40 characters",
    );
    expect(describeInputType(input({ name: "i", label: "I", type: "ip", allowCidr: false }))).toBe("IP address");
    expect(describeInputType(input({ name: "d", label: "D", type: "duration", max: "1h" }))).toBe(
      "duration, at most 1h",
    );
  });

  it("says whether an input is required or has a default", () => {
    expect(describeInputRequirement(input({ name: "n", label: "N", type: "number", default: 30 }))).toBe("Default: 30");
    expect(describeInputRequirement(input({ name: "b", label: "B", type: "boolean", default: false }))).toBe(
      "Default: no",
    );
    expect(describeInputRequirement(input({ name: "s", label: "S", type: "string", required: false }))).toBe(
      "Optional",
    );
    expect(describeInputRequirement(input({ name: "t", label: "T", type: "secret" }))).toBe("Required");
  });

  it("describes conditions in words", () => {
    expect(describeCondition({ step: "audit-before", status: "succeeded" })).toBe("step audit-before succeeded");
    expect(describeCondition({ input: "verifyAudit", equals: true })).toBe("input verifyAudit is yes");
    expect(
      describeCondition({
        all: [{ input: "env", in: ["staging", "qa"] }, { not: { step: "a", output: "changed", exists: true } }],
      }),
    ).toBe("input env is one of staging, qa and not (step a output changed is set)");
    expect(
      describeCondition({
        any: [
          { step: "a", status: "not_applicable" },
          { input: "n", greaterThan: 3 },
        ],
      }),
    ).toBe("any of: step a not applicable; input n is more than 3");
  });
});

import type { Condition, InputDefinition, StepDefinition } from "./definition";

/** Plain-language descriptions of runbook definitions, for the runbook page. */

export const STEP_KIND_LABELS: Record<StepDefinition["kind"], string> = {
  manual: "Manual",
  check: "Check",
  action: "Action",
  approval: "Approval",
};

export const RISK_LABELS = { low: "Low risk", medium: "Medium risk", high: "High risk" } as const;

/** "number, 1 to 600, whole", "one of staging, production", "IP address or CIDR range". */
export function describeInputType(input: InputDefinition): string {
  switch (input.type) {
    case "string": {
      const bounds =
        input.minLength !== undefined
          ? `${input.minLength} to ${input.maxLength} characters`
          : `up to ${input.maxLength} characters`;
      return [
        input.multiline ? "text, several lines" : "text",
        bounds,
        input.pattern ? `matching ${input.pattern}` : null,
      ]
        .filter(Boolean)
        .join(", ");
    }
    case "number": {
      const range =
        input.min !== undefined && input.max !== undefined
          ? `${input.min} to ${input.max}`
          : input.min !== undefined
            ? `at least ${input.min}`
            : input.max !== undefined
              ? `at most ${input.max}`
              : null;
      return [input.integer ? "whole number" : "number", range].filter(Boolean).join(", ");
    }
    case "boolean":
      return "yes or no";
    case "enum":
      return `one of ${input.options.map((option) => (typeof option === "string" ? option : option.label)).join(", ")}`;
    case "duration": {
      const range = [input.min ? `at least ${input.min}` : null, input.max ? `at most ${input.max}` : null]
        .filter(Boolean)
        .join(", ");
      return range ? `duration, ${range}` : "duration (such as 15m or 2h)";
    }
    case "ip":
      return input.allowCidr ? "IP address or CIDR range" : "IP address";
    case "secret":
      return "secret (stored encrypted, never shown again)";
    case "ref":
      return `a configured ${input.target}`;
  }
}

/** "Required", "Optional", "Default: 30". A default is what the start form fills in. */
export function describeInputRequirement(input: InputDefinition): string {
  const value = "default" in input ? input.default : undefined;
  if (value !== undefined) return `Default: ${typeof value === "boolean" ? (value ? "yes" : "no") : String(value)}`;
  return input.required ? "Required" : "Optional";
}

/** "step audit-before succeeded", "input env is production", "not (…)", "any of: …". */
export function describeCondition(condition: Condition): string {
  if ("all" in condition && condition.all) return condition.all.map(describeCondition).join(" and ");
  if ("any" in condition && condition.any) return `any of: ${condition.any.map(describeCondition).join("; ")}`;
  if ("not" in condition && condition.not) return `not (${describeCondition(condition.not)})`;
  // What is left is a leaf: one input or one step, with comparisons.
  const leaf = condition as ConditionLeaf;
  const subject =
    leaf.input !== undefined
      ? `input ${leaf.input}`
      : `step ${leaf.step}${leaf.output ? ` output ${leaf.output}` : ""}`;
  const tests: string[] = [];
  if (leaf.status !== undefined) tests.push(leaf.status.replaceAll("_", " "));
  if (leaf.equals !== undefined) tests.push(`is ${show(leaf.equals)}`);
  if (leaf.notEquals !== undefined) tests.push(`is not ${show(leaf.notEquals)}`);
  if (leaf.in !== undefined) tests.push(`is one of ${leaf.in.map(show).join(", ")}`);
  if (leaf.exists !== undefined) tests.push(leaf.exists ? "is set" : "is not set");
  if (leaf.greaterThan !== undefined) tests.push(`is more than ${leaf.greaterThan}`);
  if (leaf.lessThan !== undefined) tests.push(`is less than ${leaf.lessThan}`);
  return `${subject} ${tests.length > 0 ? tests.join(" and ") : "is set"}`;
}

type ConditionLeaf = {
  input?: string;
  step?: string;
  output?: string;
  status?: string;
  equals?: unknown;
  notEquals?: unknown;
  in?: unknown[];
  exists?: boolean;
  greaterThan?: number;
  lessThan?: number;
};

function show(value: unknown): string {
  if (typeof value === "boolean") return value ? "yes" : "no";
  return typeof value === "string" ? value : JSON.stringify(value);
}

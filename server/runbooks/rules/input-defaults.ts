import ipaddr from "ipaddr.js";
import { formatDuration, parseDuration } from "@/lib/runbooks/duration";
import type { InputDefinition } from "@/lib/runbooks/definition";
import type { RunbookFileProblem } from "@/lib/runbooks/problems";
import { problemAt, type FieldPath, type Rule, type RuleContext } from "./context";

/**
 * An input's default and bounds must agree with each other: the start form offers the default,
 * and a default the form then refuses would stop a responder at 3 a.m.
 */
export const inputDefaults: Rule = (context) =>
  context.definition.inputs.flatMap((input, index) => checkInput(context, input, ["inputs", index]));

function checkInput(context: RuleContext, input: InputDefinition, path: FieldPath): RunbookFileProblem[] {
  const problems: RunbookFileProblem[] = [];
  const report = (field: string, message: string) => problems.push(problemAt(context, [...path, field], message));

  switch (input.type) {
    case "enum": {
      const values = input.options.map((option) => (typeof option === "string" ? option : option.value));
      const seen = new Set<string>();
      for (const [index, value] of values.entries()) {
        if (seen.has(value))
          problems.push(problemAt(context, [...path, "options", index], `"${value}" is listed twice`));
        seen.add(value);
      }
      if (input.default !== undefined && !values.includes(input.default))
        report("default", `"${input.default}" is not one of the options (${values.join(", ")})`);
      break;
    }
    case "number": {
      if (input.min !== undefined && input.max !== undefined && input.min > input.max)
        report("min", `${input.min} is greater than max (${input.max})`);
      if (input.default === undefined) break;
      if (input.integer && !Number.isInteger(input.default))
        report("default", `${input.default} is not a whole number, but the input is an integer`);
      if (input.min !== undefined && input.default < input.min)
        report("default", `${input.default} is below min (${input.min})`);
      if (input.max !== undefined && input.default > input.max)
        report("default", `${input.default} is above max (${input.max})`);
      break;
    }
    case "duration": {
      // The schema has already checked that each of these parses.
      const min = input.min === undefined ? undefined : parseDuration(input.min)!;
      const max = input.max === undefined ? undefined : parseDuration(input.max)!;
      if (min !== undefined && max !== undefined && min > max)
        report("min", `${input.min} is longer than max (${input.max})`);
      if (input.default === undefined) break;
      const value = parseDuration(input.default)!;
      if (min !== undefined && value < min)
        report("default", `${input.default} is shorter than min (${formatDuration(min)})`);
      if (max !== undefined && value > max)
        report("default", `${input.default} is longer than max (${formatDuration(max)})`);
      break;
    }
    case "string": {
      if (input.minLength !== undefined && input.minLength > input.maxLength)
        report("minLength", `${input.minLength} is greater than maxLength (${input.maxLength})`);
      if (input.pattern !== undefined) {
        try {
          new RegExp(input.pattern, "u");
        } catch (error) {
          report(
            "pattern",
            `is not a valid regular expression (${error instanceof Error ? error.message : String(error)})`,
          );
        }
      }
      if (input.default !== undefined) {
        if (input.default.length > input.maxLength) report("default", `is longer than maxLength (${input.maxLength})`);
        if (input.minLength !== undefined && input.default.length < input.minLength)
          report("default", `is shorter than minLength (${input.minLength})`);
      }
      break;
    }
    case "ip": {
      if (input.default !== undefined && !isAddress(input.default, input.allowCidr)) {
        report("default", `"${input.default}" is not an IP address${input.allowCidr ? " or CIDR range" : ""}`);
      }
      break;
    }
    default:
      break;
  }
  return problems;
}

function isAddress(text: string, allowCidr: boolean): boolean {
  if (text.includes("/")) {
    if (!allowCidr) return false;
    try {
      ipaddr.parseCIDR(text);
      return true;
    } catch {
      return false;
    }
  }
  // isValid alone accepts legacy forms such as "127.1"; a runbook default should be written plainly.
  return ipaddr.IPv4.isValidFourPartDecimal(text) || ipaddr.IPv6.isValid(text);
}

import type { z } from "zod";
import { formatFieldPath, type RunbookFileProblem } from "@/lib/runbooks/problems";
import type { SourcePositions } from "./source-positions";

type Issue = z.core.$ZodIssue;
type Path = PropertyKey[];

/**
 * Turns zod's issues into problems a runbook author can act on: each names the field path
 * (`steps[2].kind: expected one of manual, check, action, approval`) and points at the line and
 * column of the offending node. `data` is the whole file's data; `prefix` places the issues of a
 * nested schema (an action's input) inside it.
 */
export function schemaProblems(
  issues: readonly Issue[],
  data: unknown,
  positions: SourcePositions,
  prefix: Path = [],
): RunbookFileProblem[] {
  const problems: RunbookFileProblem[] = [];
  for (const issue of issues) collect(issue, prefix, data, positions, problems);
  return problems;
}

function collect(
  issue: Issue,
  prefix: Path,
  data: unknown,
  positions: SourcePositions,
  out: RunbookFileProblem[],
): void {
  const path = [...prefix, ...issue.path];
  const at = (message: string, where = positions.of(path)) =>
    out.push({ ...where, message: `${label(path)}: ${message}` });

  switch (issue.code) {
    case "unrecognized_keys":
      for (const key of issue.keys) {
        out.push({
          ...positions.ofKey(path, key),
          message: `${label([...path, key])}: unknown key; check its spelling and indentation`,
        });
      }
      return;
    case "invalid_type": {
      const actual = valueAt(data, path);
      if (path.length === 0) {
        out.push({
          ...positions.of(path),
          message: "a runbook file must be a YAML mapping with id, title, summary, risk and steps",
        });
        return;
      }
      at(actual === undefined ? "required" : `expected ${noun(issue.expected)}, got ${describeValue(actual)}`);
      return;
    }
    case "invalid_value":
      at(
        issue.values.length === 1
          ? `expected ${String(issue.values[0])}`
          : `expected one of ${issue.values.map(String).join(", ")}`,
      );
      return;
    case "invalid_union": {
      // A discriminated union (step kind, input type) names its options.
      if ("discriminator" in issue && Array.isArray((issue as { options?: unknown }).options)) {
        const options = (issue as unknown as { options: unknown[] }).options.map(String).join(", ");
        at(valueAt(data, path) === undefined ? `required; one of ${options}` : `expected one of ${options}`);
        return;
      }
      const branch = closestBranch(issue.errors, valueAt(data, path));
      if (branch) {
        for (const inner of branch) collect(inner, path, data, positions, out);
        return;
      }
      at(unionShapeHint(path));
      return;
    }
    case "too_small":
      at(isDefaultMessage(issue.message) ? tooSmall(issue) : issue.message);
      return;
    case "too_big":
      at(isDefaultMessage(issue.message) ? tooBig(issue) : issue.message);
      return;
    default:
      at(isDefaultMessage(issue.message) ? "is not valid here" : issue.message);
  }
}

/**
 * The union member the author most likely meant: one whose issues do not say the value has the
 * wrong basic type or carries keys that member does not know. Null when none fits.
 */
function closestBranch(branches: Issue[][], value: unknown): Issue[] | null {
  const fitting = branches.filter((issues) =>
    issues.every(
      (inner) =>
        !(
          inner.path.length === 0 &&
          (inner.code === "invalid_type" || inner.code === "unrecognized_keys" || inner.code === "invalid_union")
        ),
    ),
  );
  if (fitting.length === 0 || value === undefined) return null;
  return fitting.reduce((best, issues) => (issues.length < best.length ? issues : best));
}

function unionShapeHint(path: Path): string {
  const last = path.findLast((segment) => typeof segment === "string");
  if (last === "when" || last === "all" || last === "any" || last === "not") {
    return "expected a condition: { input: <name>, equals: … }, { step: <id>, status: … }, { all: [...] }, { any: [...] } or { not: … }";
  }
  if (last === "options") return "expected an option as text, or { value, label }";
  return "does not match any accepted form";
}

function tooSmall(issue: Extract<Issue, { code: "too_small" }>): string {
  const minimum = Number(issue.minimum);
  if (issue.origin === "string") return minimum <= 1 ? "must not be empty" : `must be at least ${minimum} characters`;
  if (issue.origin === "array") return `needs at least ${minimum} ${minimum === 1 ? "item" : "items"}`;
  return issue.inclusive ? `must be at least ${minimum}` : `must be greater than ${minimum}`;
}

function tooBig(issue: Extract<Issue, { code: "too_big" }>): string {
  const maximum = Number(issue.maximum);
  if (issue.origin === "string") return `must be at most ${maximum} characters`;
  if (issue.origin === "array") return `allows at most ${maximum} items`;
  return issue.inclusive ? `must be at most ${maximum}` : `must be less than ${maximum}`;
}

/** zod's built-in messages start with "Invalid" or "Too"; the schema's own ones are written for authors. */
function isDefaultMessage(message: string): boolean {
  return /^(Invalid|Too (small|big))/.test(message);
}

function label(path: Path): string {
  return path.length === 0 ? "(file)" : formatFieldPath(path);
}

function noun(expected: string): string {
  const nouns: Record<string, string> = {
    string: "text",
    number: "a number",
    boolean: "true or false",
    array: "a list",
    object: "a mapping",
    record: "a mapping",
    int: "a whole number",
  };
  return nouns[expected] ?? expected;
}

function describeValue(value: unknown): string {
  if (value === null) return "an empty value";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `text "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === "boolean") return String(value);
  return `${typeof value} ${String(value)}`;
}

function valueAt(data: unknown, path: Path): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

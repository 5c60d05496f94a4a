import type { Condition } from "@/lib/runbooks/definition";
import type { MachineRun } from "./types";

function readPath(value: unknown, path: string | undefined): unknown {
  if (!path) return value;
  let current: unknown = value;
  for (const key of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function compare(actual: unknown, condition: Condition & Record<string, unknown>): boolean {
  if ("equals" in condition && condition.equals !== undefined && actual !== condition.equals) return false;
  if ("notEquals" in condition && condition.notEquals !== undefined && actual === condition.notEquals) return false;
  if (Array.isArray(condition.in) && !condition.in.includes(actual)) return false;
  if (typeof condition.exists === "boolean" && (actual !== undefined && actual !== null) !== condition.exists)
    return false;
  if (typeof condition.greaterThan === "number" && !(typeof actual === "number" && actual > condition.greaterThan))
    return false;
  if (typeof condition.lessThan === "number" && !(typeof actual === "number" && actual < condition.lessThan))
    return false;
  return true;
}

/** Evaluates a `when` condition against the run's inputs and earlier steps. No expressions, no eval. */
export function conditionHolds(condition: Condition | undefined, run: MachineRun): boolean {
  if (!condition) return true;
  if ("all" in condition) return condition.all.every((c) => conditionHolds(c, run));
  if ("any" in condition) return condition.any.some((c) => conditionHolds(c, run));
  if ("not" in condition) return !conditionHolds(condition.not, run);
  if ("input" in condition && typeof condition.input === "string") {
    return compare(run.inputs[condition.input], condition as Condition & Record<string, unknown>);
  }
  if ("step" in condition && typeof condition.step === "string") {
    const step = run.steps.find((s) => s.id === condition.step);
    if (!step) return false;
    if (typeof condition.status === "string" && step.status !== condition.status) return false;
    const hasComparison = ["equals", "notEquals", "in", "exists", "greaterThan", "lessThan"].some(
      (key) => (condition as Record<string, unknown>)[key] !== undefined,
    );
    if (!hasComparison) return true;
    return compare(readPath(step.output, condition.output), condition as Condition & Record<string, unknown>);
  }
  return false;
}

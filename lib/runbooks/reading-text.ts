/**
 * Every text a person reads about a runbook or a run (step titles, instructions, lock keys) is
 * rendered with what is known at that moment: a reference whose value is known shows the value;
 * one not known yet reads as words ("the chosen allowlist", "what “Add the entry” reports"),
 * never as a raw `{{template}}`. Used by the start form as inputs are chosen and by the run page.
 */
export type ReadingScope = {
  /** Input values known now; a missing, empty or null value is not chosen yet. */
  inputs: Record<string, unknown>;
  /** Each input's label, for the words that stand in for a value not chosen yet. */
  inputLabels: Record<string, string>;
  /** True once the run started: an input without a value was left empty, not "not chosen yet". */
  inputsFinal?: boolean;
  /** Inputs whose value is secret: never shown, always named. */
  secretInputs?: ReadonlySet<string>;
  steps?: Record<string, { status: string; output?: Record<string, unknown> | null }>;
  /** Each step's title (already readable), for the words that stand in for its result. */
  stepTitles?: Record<string, string>;
  run?: { id: string; number: number; startedBy: string } | null;
};

const TEMPLATE = () => /\{\{([^{}]*)\}\}/g;

export function readingText(text: string, scope: ReadingScope): string {
  return text.replace(TEMPLATE(), (_match, inner: string) => readReference(inner.trim(), scope));
}

function readReference(reference: string, scope: ReadingScope): string {
  const [root, name, ...rest] = reference.split(".");
  if (root === "inputs" && name) return readInput(name, rest, scope);
  if (root === "steps" && name) return readStep(name, rest, scope);
  if (root === "run") return readRun(name, scope);
  return "a value given when the run starts";
}

function readInput(name: string, rest: string[], scope: ReadingScope): string {
  const label = scope.inputLabels[name] ?? name;
  if (scope.secretInputs?.has(name)) return `the ${lowerFirst(label)} (secret, never shown)`;
  const value = valueAt(ownValue(scope.inputs, name), rest);
  if (isShown(value)) return String(value);
  return scope.inputsFinal ? `no ${lowerFirst(label)} (left empty)` : `the chosen ${lowerFirst(label)}`;
}

function readStep(id: string, rest: string[], scope: ReadingScope): string {
  const value = valueAt(ownValue(scope.steps, id), rest);
  if (isShown(value)) return String(value);
  const title = scope.stepTitles?.[id] ?? id;
  return rest[0] === "status" ? `the outcome of “${title}”` : `what “${title}” reports`;
}

function readRun(field: string | undefined, scope: ReadingScope): string {
  const run = scope.run;
  if (field === "number") return run ? String(run.number) : "this run's number";
  if (field === "id") return run ? run.id : "this run's id";
  if (field === "startedBy") return run?.startedBy || "the person who starts the run";
  return "this run";
}

/** Own properties only, so `__proto__` or `constructor` never resolve. */
function ownValue(record: Record<string, unknown> | undefined, key: string): unknown {
  return record && Object.hasOwn(record, key) ? record[key] : undefined;
}

function valueAt(start: unknown, path: string[]): unknown {
  let current = start;
  for (const segment of path) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function isShown(value: unknown): value is string | number | boolean {
  return (typeof value === "string" && value.trim() !== "") || typeof value === "number" || typeof value === "boolean";
}

/** "Allowlist" → "allowlist", but "IP address" stays: an acronym keeps its capitals. */
function lowerFirst(label: string): string {
  return /^[A-Z][a-z]/.test(label) ? label.charAt(0).toLowerCase() + label.slice(1) : label;
}

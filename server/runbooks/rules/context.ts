import type { RunbookDefinition } from "@/lib/runbooks/definition";
import { formatFieldPath, type RunbookFileProblem } from "@/lib/runbooks/problems";
import type { StepRegistry } from "../../engine/registry";
import type { SourcePositions } from "../source-positions";

export type FieldPath = (string | number)[];

/** What every semantic rule sees: the schema-valid definition, where its nodes are, and the registry. */
export type RuleContext = {
  definition: RunbookDefinition;
  positions: SourcePositions;
  registry: StepRegistry;
};

export type Rule = (context: RuleContext) => RunbookFileProblem[];

/** A problem about the field at `path`, positioned on its node and naming it. */
export function problemAt(context: RuleContext, path: FieldPath, message: string): RunbookFileProblem {
  return { ...context.positions.of(path), message: `${formatFieldPath(path)}: ${message}` };
}

/** Every string at any depth of `value`, with its field path. */
export function* stringsWithPaths(value: unknown, path: FieldPath): Generator<{ path: FieldPath; text: string }> {
  if (typeof value === "string") yield { path, text: value };
  else if (Array.isArray(value))
    for (const [index, item] of value.entries()) yield* stringsWithPaths(item, [...path, index]);
  else if (value !== null && typeof value === "object")
    for (const [key, item] of Object.entries(value)) yield* stringsWithPaths(item, [...path, key]);
}

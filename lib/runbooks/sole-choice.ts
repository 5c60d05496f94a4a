import type { InputDefinition } from "./definition";
import type { RefOptions } from "./input-schema";

/**
 * The values the start form chooses by itself: a reference input (allowlist, service, database…)
 * with no default and exactly one configured target gets that target. A secret to rotate is never
 * chosen for the person: rotating one is a decision, not a formality.
 */
export function soleChoices(inputs: InputDefinition[], refOptions: RefOptions): Record<string, string> {
  const chosen: Record<string, string> = {};
  for (const input of inputs) {
    if (input.type !== "ref" || input.target === "secret" || input.default) continue;
    const options = refOptions[input.target] ?? [];
    if (options.length === 1) chosen[input.name] = options[0]!;
  }
  return chosen;
}

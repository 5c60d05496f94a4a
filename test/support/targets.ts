import { z } from "zod";
import { defineTargetKind, type AnyTargetKind } from "../../server/targets/kind";
import { TARGET_KINDS } from "../../server/targets/kinds";

/** A kind of target that exists only in tests: the registry is generic, so tests bring their own. */
export const testEndpointKind = defineTargetKind({
  kind: "test-endpoint",
  label: "Test endpoint",
  schema: z.strictObject({
    healthUrl: z.url({ message: "Enter a full URL, like https://app.example.com/healthz" }),
    timeoutSeconds: z.number().int().positive().max(60).default(5),
    /** A secret's name (never its value), like real kinds. */
    tokenSecret: z.string().optional(),
  }),
  describe: (config) => `health at ${config.healthUrl}, ${config.timeoutSeconds}s timeout`,
});

/** Registers `kind` for the duration of a test file; call the returned function in afterAll. */
export function registerTargetKind(kind: AnyTargetKind = testEndpointKind): () => void {
  const registry = TARGET_KINDS as AnyTargetKind[];
  registry.push(kind);
  return () => {
    const index = registry.indexOf(kind);
    if (index >= 0) registry.splice(index, 1);
  };
}

import type { RunStep } from "@/db/schema";

/**
 * True when an approval lets an allowlist entry through that is broad, as the run's own
 * `allowlist.classify` check judged it (output `broad`, see actions/classify-range.ts): approving
 * it switches off rate limiting for many addresses, so it counts as a high-risk action.
 */
export function approvesBroadAllowlistEntry(
  gatedActions: readonly string[],
  steps: readonly RunStep[],
  checkOf: (stepId: string) => string | null,
): boolean {
  if (!gatedActions.includes("allowlist.add")) return false;
  return steps.some(
    (step) =>
      step.kind === "check" &&
      checkOf(step.stepId) === "allowlist.classify" &&
      step.status === "succeeded" &&
      step.output?.broad === true,
  );
}

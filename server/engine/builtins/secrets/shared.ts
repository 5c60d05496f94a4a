import { z } from "zod";
import type { ManagedSecret } from "@/db/schema";
import { secretName } from "@/lib/schemas/secrets";
import { systemActor } from "../../../audit/actor";
import { AppError } from "../../../errors";
import type { ActionDefinition } from "../../actions/types";

/** The input every rotation step takes: the managed secret's name. */
export const secretInput = z.strictObject({ secret: secretName });
export type SecretInput = z.infer<typeof secretInput>;

/** Promotion and retirement also take the grace period: empty means the secret's own. */
export const graceInput = z.strictObject({
  secret: secretName,
  graceHours: z
    .number()
    .int()
    .min(0, "use 0 or more hours")
    .max(24 * 90, "use at most 2160 hours (90 days)")
    .nullish(),
});
export type GraceInput = z.infer<typeof graceInput>;

export function graceSecondsFor(secret: ManagedSecret, graceHours: number | null | undefined): number {
  return graceHours === null || graceHours === undefined ? secret.gracePeriodSeconds : graceHours * 3600;
}

export function describeGrace(seconds: number): string {
  if (seconds === 0) return "no grace period";
  if (seconds % 86_400 === 0 && seconds >= 3 * 86_400) return `${seconds / 86_400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  return `${Math.round(seconds / 60)} min`;
}

/** Who the secret store's audit rows name for what a run's step did; the row's meta names the run. */
export const rotationActor = () => systemActor();

/**
 * Plans report problems as plain errors: the worker treats an AppError thrown while planning as
 * a stale job and drops it, which would leave the step planning forever instead of failed with
 * the message.
 */
export function withPlainPlanErrors<Input>(action: ActionDefinition<Input>): ActionDefinition<Input> {
  return {
    ...action,
    plan: (input, context) =>
      action.plan(input, context).catch((error: unknown) => {
        throw error instanceof AppError ? new Error(error.message) : error;
      }),
  };
}

import type { z } from "zod";
import type { Database } from "@/db/client";
import type { Plan } from "@/db/schema";
import { CONFIRM_BY_HAND } from "../machine/types";

/** What an action or check can use while it works. Everything it prints is redacted before storage. */
export type StepContext = {
  db: Database;
  runId: string;
  stepId: string;
  attempt: number;
  /** run + step + attempt + phase: the same key when an interrupted attempt is resumed. */
  idempotencyKey: string;
  /** True when this attempt was started before and interrupted (its effect may already exist). */
  resumed: boolean;
  /** A line of output for the run page. */
  log(line: string, stream?: "stdout" | "stderr" | "info"): void;
  /** A value that must be redacted from output from now on (a secret the step fetched). */
  registerSecret(value: string): void;
  /** Progress between 0 and 1, with an optional message ("restored 3 of 12 tables"). */
  progress(fraction: number, message?: string): void;
  /** Aborted when the step is interrupted or the process stops. */
  signal: AbortSignal;
};

export type ActionResult = {
  /** One line for the run page and the timeline ("Added 203.0.113.0/24 to 2 sinks"). */
  summary: string;
  /** Structured result for later steps ({{steps.<id>.output.<field>}}) and evidence. Never secret values. */
  output?: Record<string, unknown>;
};

export type Verification = { ok: boolean; summary: string };

/**
 * A server action, registered by name: a zod input schema, a dry-run plan that says exactly what
 * will change, execute, and optional verify. execute must be idempotent under its idempotency key.
 */
export type ActionDefinition<Input = unknown> = {
  name: string;
  title: string;
  description: string;
  /** High-risk actions get stricter rate limits and ask for the password again. */
  highRisk?: boolean;
  input: z.ZodType<Input>;
  plan(input: Input, context: StepContext): Promise<Plan>;
  execute(input: Input, context: StepContext): Promise<ActionResult>;
  verify?(input: Input, context: StepContext, result: ActionResult): Promise<Verification>;
};

export type CheckResult = { passed: boolean; summary: string; details?: Record<string, unknown> };

/**
 * For a check's details when it passed without verifying everything (no probe to call, say): the
 * step then waits for a person to check by hand and confirm with evidence instead of turning green.
 * The reason is a sentence a responder can act on.
 */
export function confirmByHand(reason: string): Record<string, string> {
  return { [CONFIRM_BY_HAND]: reason.charAt(0).toUpperCase() + reason.slice(1) };
}

/** An automated verification with an expected outcome; its result is kept as evidence. */
export type CheckDefinition<Input = unknown> = {
  name: string;
  title: string;
  description: string;
  input: z.ZodType<Input>;
  run(input: Input, context: StepContext): Promise<CheckResult>;
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- registries hold actions of any input type
export type AnyAction = ActionDefinition<any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- registries hold checks of any input type
export type AnyCheck = CheckDefinition<any>;

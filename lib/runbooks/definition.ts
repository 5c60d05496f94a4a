import { z } from "zod";
import { parseDuration } from "./duration";

/**
 * The runbook file format: one zod schema, used by `npm run runbooks:check`, by the loader and
 * (for inputs) by the start form in the browser. Strings may hold templates: {{inputs.name}},
 * {{steps.<id>.output.<path>}}, {{run.id}}.
 */

const identifier = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,62}$/, "use lower-case letters, digits, - and _, starting with a letter");
const inputName = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,62}$/, "use letters, digits and _, starting with a letter");
const durationText = z
  .string()
  .refine((v) => parseDuration(v) !== null && parseDuration(v)! > 0, "use a duration such as 90s, 15m, 24h or 30d");

const inputBase = {
  name: inputName,
  label: z.string().min(1).max(120),
  help: z.string().max(2000).optional(),
  required: z.boolean().default(true),
};

/** Kinds of configured things an input can point at (targets, issue "The four runbooks"). */
export const TARGET_KINDS = ["service", "database", "secret", "allowlist"] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export const inputDefinition = z.discriminatedUnion("type", [
  z.strictObject({
    ...inputBase,
    type: z.literal("string"),
    default: z.string().optional(),
    minLength: z.number().int().min(0).optional(),
    maxLength: z.number().int().min(1).max(10_000).default(500),
    pattern: z.string().optional(),
    /** What the pattern asks for, in words, ending the sentence "<label> must be …". */
    patternHint: z.string().min(1).max(300).optional(),
    /** The `ref` input naming a database: the value must be one of that database's backups when the run starts. */
    backupOf: inputName.optional(),
    multiline: z.boolean().default(false),
  }),
  z.strictObject({
    ...inputBase,
    type: z.literal("number"),
    default: z.number().optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    integer: z.boolean().default(false),
  }),
  z.strictObject({ ...inputBase, type: z.literal("boolean"), default: z.boolean().optional() }),
  z.strictObject({
    ...inputBase,
    type: z.literal("enum"),
    options: z
      .array(z.union([z.string().min(1), z.strictObject({ value: z.string().min(1), label: z.string().min(1) })]))
      .min(1),
    default: z.string().optional(),
  }),
  z.strictObject({
    ...inputBase,
    type: z.literal("duration"),
    default: durationText.optional(),
    min: durationText.optional(),
    max: durationText.optional(),
  }),
  z.strictObject({
    ...inputBase,
    type: z.literal("ip"),
    /** Accept CIDR ranges as well as single addresses. */
    allowCidr: z.boolean().default(true),
    default: z.string().optional(),
  }),
  z.strictObject({ ...inputBase, type: z.literal("secret"), minLength: z.number().int().min(1).default(1) }),
  z.strictObject({
    ...inputBase,
    type: z.literal("ref"),
    target: z.enum(TARGET_KINDS),
    default: z.string().optional(),
  }),
]);

export type InputDefinition = z.infer<typeof inputDefinition>;

/** A condition on inputs or earlier steps' results; no expressions are evaluated. */
export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | ({ input: string; step?: never; output?: never } & Comparison)
  | ({ step: string; output?: string; input?: never } & Comparison);

type Comparison = {
  equals?: unknown;
  notEquals?: unknown;
  in?: unknown[];
  exists?: boolean;
  greaterThan?: number;
  lessThan?: number;
  /** For a step: its status (succeeded, failed, skipped, not_applicable). */
  status?: string;
};

const comparison = {
  equals: z.unknown().optional(),
  notEquals: z.unknown().optional(),
  in: z.array(z.unknown()).optional(),
  exists: z.boolean().optional(),
  greaterThan: z.number().optional(),
  lessThan: z.number().optional(),
};

export const conditionDefinition: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(conditionDefinition).min(1) }),
    z.strictObject({ any: z.array(conditionDefinition).min(1) }),
    z.strictObject({ not: conditionDefinition }),
    z.strictObject({ input: inputName, ...comparison }),
    z.strictObject({ step: identifier, output: z.string().optional(), status: z.string().optional(), ...comparison }),
  ]),
) as z.ZodType<Condition>;

const templatedInput = z.record(z.string(), z.unknown()).default({});

export const actionCall = z.strictObject({ action: z.string().min(1), input: templatedInput });

const stepBase = {
  id: identifier,
  title: z.string().min(1).max(160),
  /** Markdown: what to do and why. */
  instructions: z.string().max(20_000).optional(),
  when: conditionDefinition.optional(),
  compensation: actionCall.optional(),
};

export const stepDefinition = z.discriminatedUnion("kind", [
  z.strictObject({
    ...stepBase,
    kind: z.literal("manual"),
    instructions: z.string().min(1).max(20_000),
    evidence: z.enum(["none", "optional", "required"]).default("optional"),
  }),
  z.strictObject({
    ...stepBase,
    kind: z.literal("check"),
    check: z.string().min(1),
    input: templatedInput,
    expect: z.enum(["pass", "fail"]).default("pass"),
  }),
  z.strictObject({ ...stepBase, kind: z.literal("action"), action: z.string().min(1), input: templatedInput }),
  z.strictObject({
    ...stepBase,
    kind: z.literal("approval"),
    approvals: z.number().int().min(1).max(5).default(1),
    role: z.enum(["responder", "lead", "admin"]).default("lead"),
    expiresIn: durationText.optional(),
  }),
]);

export type StepDefinition = z.infer<typeof stepDefinition>;
export type StepKind = StepDefinition["kind"];

export const lockDefinition = z.strictObject({
  /** Templated from inputs, e.g. "db:{{inputs.database}}". */
  key: z.string().min(1).max(200),
  /** When another run holds the lock: wait in a visible queue, or refuse to start. */
  onBusy: z.enum(["wait", "refuse"]).default("wait"),
});

export const runbookDefinition = z.strictObject({
  id: identifier,
  title: z.string().min(1).max(160),
  summary: z.string().min(1).max(2000),
  risk: z.enum(["low", "medium", "high"]),
  services: z.array(z.string().min(1).max(80)).default([]),
  tags: z.array(z.string().min(1).max(40)).default([]),
  inputs: z.array(inputDefinition).default([]),
  locks: z.array(lockDefinition).default([]),
  steps: z.array(stepDefinition).min(1, "a runbook needs at least one step"),
}).superRefine((runbook, ctx) => {
  runbook.inputs.forEach((input, index) => {
    if (input.type !== "string" || !input.backupOf) return;
    const database = runbook.inputs.find((other) => other.name === input.backupOf);
    if (database?.type !== "ref" || database.target !== "database")
      ctx.addIssue({
        code: "custom",
        path: ["inputs", index, "backupOf"],
        message: `name an input of this runbook of type ref with target database; "${input.backupOf}" is not one`,
      });
  });
});

export type RunbookDefinition = z.infer<typeof runbookDefinition>;
export type LockDefinition = z.infer<typeof lockDefinition>;

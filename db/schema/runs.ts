import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { incidents } from "./incidents";
import { runbookVersions, runbooks } from "./runbooks";
import { users } from "./users";

export const RUN_STATUSES = [
  "queued", // waiting for a resource lock another run holds
  "running",
  "waiting_approval",
  "waiting_operator",
  "failed",
  "interrupted",
  "aborting",
  "succeeded",
  "cancelled", // aborted by a person
  "refused", // an approver refused it: a decision, not a failure
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const STEP_STATUSES = [
  "pending",
  "planning", // computing the plan of an action (or of the actions an approval covers)
  "waiting_operator",
  "waiting_approval",
  "queued", // a job will run it
  "running",
  "succeeded",
  "failed",
  "interrupted",
  "skipped",
  "not_applicable", // its condition was false
  "compensating",
  "compensated",
  "compensation_failed",
  "compensation_skipped",
  "refused", // an approval an approver refused; the run ends refused
] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export type PlannedChange = { target: string; description: string; before?: string; after?: string };
export type Plan = { summary: string; changes: PlannedChange[]; warnings?: string[] };

export type StoredInputValue = string | number | boolean | { secret: true; fingerprint: string };

export const runs = pgTable(
  "runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Short, human-friendly number shown in the UI ("Run 42"). */
    number: bigserial("number", { mode: "number" }).notNull().unique(),
    runbookId: text("runbook_id")
      .notNull()
      .references(() => runbooks.id),
    runbookVersionId: uuid("runbook_version_id")
      .notNull()
      .references(() => runbookVersions.id),
    status: text("status").$type<RunStatus>().notNull(),
    /** Validated inputs; secret inputs only as fingerprints (values live encrypted in run_secrets). */
    inputs: jsonb("inputs").$type<Record<string, StoredInputValue>>().notNull(),
    inputsHash: text("inputs_hash").notNull(),
    startedBy: uuid("started_by")
      .notNull()
      .references(() => users.id),
    /** The browser form's one-time key: submitting twice starts one run. */
    requestKey: text("request_key").notNull(),
    /** The incident this run was started inside, if any (it must be unresolved then). */
    incidentId: uuid("incident_id").references(() => incidents.id),
    /** Lock keys this run holds or waits for. */
    lockKeys: text("lock_keys")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Bumped on every change; the live stream uses it to resume. */
    version: integer("version").notNull().default(1),
    abortReason: text("abort_reason"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp("ended_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("runs_request_key_idx").on(t.startedBy, t.requestKey),
    index("runs_status_idx").on(t.status),
    index("runs_runbook_idx").on(t.runbookId, t.createdAt),
    index("runs_incident_idx").on(t.incidentId),
  ],
);

export const runSteps = pgTable(
  "run_steps",
  {
    runId: uuid("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    stepId: text("step_id").notNull(),
    position: integer("position").notNull(),
    kind: text("kind").$type<"manual" | "check" | "action" | "approval">().notNull(),
    status: text("status").$type<StepStatus>().notNull(),
    attempt: integer("attempt").notNull().default(1),
    /** The action's latest plan. */
    plan: jsonb("plan").$type<Plan>(),
    planHash: text("plan_hash"),
    /** What the approval is bound to: hash of runbook version + inputs + covered plans. */
    bindingHash: text("binding_hash"),
    /** Approval: the plans it covers, by step id ("deferred" when a plan depends on steps not run yet). */
    coveredPlans:
      jsonb("covered_plans").$type<Record<string, { hash: string | null | "deferred"; plan?: Plan; note?: string }>>(),
    /** The job in flight, interrupted, or queued to resume (phase and attempt); null when none. */
    activeJob: jsonb("active_job").$type<{ phase: "execute" | "check" | "compensate"; attempt: number } | null>(),
    compensationAttempt: integer("compensation_attempt").notNull().default(0),
    output: jsonb("output").$type<Record<string, unknown>>(),
    /** Manual note/link, or a check's result. */
    evidence: jsonb("evidence").$type<Record<string, unknown>>(),
    error: text("error"),
    skipReason: text("skip_reason"),
    /** Who acted on it last (confirmed, executed, skipped). */
    actorUserId: uuid("actor_user_id"),
    actorLabel: text("actor_label"),
    progress: real("progress"),
    progressMessage: text("progress_message"),
    /** Written every few seconds by workers of versions before step leases; null for a leased step (server/engine/leases). */
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }),
    startedAt: timestamp("started_at", { withTimezone: true }),
    endedAt: timestamp("ended_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.stepId] }), index("run_steps_status_idx").on(t.status)],
);

export const runApprovals = pgTable(
  "run_approvals",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    runId: uuid("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    stepId: text("step_id").notNull(),
    attempt: integer("attempt").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    userLabel: text("user_label").notNull(),
    decision: text("decision").$type<"approved" | "refused">().notNull(),
    comment: text("comment"),
    bindingHash: text("binding_hash").notNull(),
    /** Set when the binding changed or the approval expired. */
    voidedAt: timestamp("voided_at", { withTimezone: true }),
    voidReason: text("void_reason"),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("run_approvals_step_idx").on(t.runId, t.stepId)],
);

/** A resource lock held by one run. */
export const runLocks = pgTable("run_locks", {
  key: text("key").primaryKey(),
  runId: uuid("run_id")
    .notNull()
    .references(() => runs.id, { onDelete: "cascade" }),
  acquiredAt: timestamp("acquired_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Secret inputs of a run, encrypted (AES-256-GCM); deleted when the run ends. */
export const runSecrets = pgTable(
  "run_secrets",
  {
    runId: uuid("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    inputName: text("input_name").notNull(),
    ciphertext: text("ciphertext").notNull(),
    fingerprint: text("fingerprint").notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.inputName] })],
);

/**
 * One row per attempt to execute or compensate a step, keyed by run + step + attempt + phase.
 * Its existence is the intent; an action receives the key so a resumed attempt never applies
 * its effect twice.
 */
export const actionExecutions = pgTable("action_executions", {
  key: text("key").primaryKey(),
  runId: uuid("run_id")
    .notNull()
    .references(() => runs.id, { onDelete: "cascade" }),
  stepId: text("step_id").notNull(),
  attempt: integer("attempt").notNull(),
  phase: text("phase").$type<"execute" | "compensate" | "check">().notNull(),
  status: text("status").$type<"started" | "succeeded" | "failed" | "interrupted">().notNull(),
  resumed: boolean("resumed").notNull().default(false),
  result: jsonb("result").$type<Record<string, unknown>>(),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
  endedAt: timestamp("ended_at", { withTimezone: true }),
});

/** Streamed output of a step, already redacted. Operational data: retention may delete it. */
export const stepOutputLines = pgTable(
  "step_output_lines",
  {
    runId: uuid("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    stepId: text("step_id").notNull(),
    attempt: integer("attempt").notNull(),
    lineNo: integer("line_no").notNull(),
    stream: text("stream").$type<"stdout" | "stderr" | "info">().notNull(),
    text: text("text").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.runId, t.stepId, t.attempt, t.lineNo] }),
    index("step_output_created_idx").on(t.createdAt),
  ],
);

export type Run = typeof runs.$inferSelect;
export type RunStep = typeof runSteps.$inferSelect;
export type RunApproval = typeof runApprovals.$inferSelect;

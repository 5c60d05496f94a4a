import { z } from "zod";

const runId = z.uuid("Unknown run");
const stepId = z.string().min(1, "Unknown step").max(64);

export const startRunInput = z.object({
  runbookId: z.string().min(1, "Choose a runbook").max(64),
  inputs: z.record(z.string(), z.unknown()),
  /** Generated once per form; the same key twice starts one run. */
  requestKey: z.uuid("Reload the form and try again"),
  incidentId: z.uuid().nullish(),
});

export const runRefInput = z.object({ runId });

export const stepRefInput = z.object({ runId, stepId });

const httpLink = z
  .string()
  .trim()
  .max(2000)
  .refine((v) => v === "" || /^https?:\/\/\S+$/i.test(v), "Use a link starting with http:// or https://");

export const confirmStepInput = stepRefInput.extend({
  note: z.string().trim().max(4000, "Use at most 4000 characters").optional(),
  link: httpLink.optional(),
});

export const decideApprovalInput = stepRefInput.extend({
  /** The binding the approver reviewed; a different current binding means something changed. */
  bindingHash: z.string().regex(/^[0-9a-f]{64}$/, "Reload the run and review it again"),
});

export const refuseApprovalInput = decideApprovalInput.extend({
  comment: z.string().trim().min(3, "Say why you refuse").max(2000),
});

export const skipStepInput = stepRefInput.extend({
  reason: z.string().trim().min(3, "Write why this step is skipped").max(2000),
});

export const abortRunInput = runRefInput.extend({
  reason: z.string().trim().min(3, "Write why the run is aborted").max(2000),
});

export const runOutputInput = stepRefInput.extend({
  attempt: z.number().int().min(1),
  after: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(5000).default(2000),
});

export const RUN_FILTERS = ["active", "needs-me", "ended", "all"] as const;

export const listRunsInput = z.object({
  filter: z.enum(RUN_FILTERS).default("active"),
  runbookId: z.string().max(64).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

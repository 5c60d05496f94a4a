import { z } from "zod";

/** The body CI pipelines send to POST /api/v1/deployments. */
export const recordDeploymentInput = z.strictObject({
  service: z
    .string({ message: "Name the service" })
    .regex(/^[a-z][a-z0-9-]{0,62}$/, "Use the service's name as configured in Keel"),
  version: z
    .string({ message: "Give the deployed version" })
    .trim()
    .min(1, "Give the deployed version")
    .max(200, "Use at most 200 characters"),
  commit: z
    .string()
    .regex(/^[0-9a-f]{7,64}$/i, "Use a commit sha (7 to 64 hex characters)")
    .optional(),
  description: z.string().max(500, "Use at most 500 characters").optional(),
  deployedAt: z.iso
    .datetime({ offset: true, message: "Use an ISO 8601 date and time, e.g. 2026-12-01T09:30:00Z" })
    .optional(),
});

export type RecordDeploymentInput = z.infer<typeof recordDeploymentInput>;

export const serviceNameInput = z.object({ service: z.string().min(1).max(63) });

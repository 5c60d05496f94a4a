import { z } from "zod";

/**
 * What can verify a checklist item by itself: a registered check of the run engine (the same
 * ones runbook check steps call), or one of Keel's built-in probes. Strings may use
 * `{{service}}` and `{{serviceUrl}}`, filled from the checklist (so one template fits every service).
 */

const text = (max = 500) => z.string().trim().min(1).max(max);
const days = z.number().int().min(1, "must be at least 1 day").max(3650);
const url = text(2000).refine(
  (value) => /^(https?:\/\/|\{\{serviceUrl\}\})/.test(value),
  "use an http:// or https:// URL, or one starting with {{serviceUrl}}",
);

export const headerExpectation = z.strictObject({
  /** Case-insensitive header name: strict-transport-security, content-security-policy… */
  name: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9-]{1,100}$/, "use a header name such as strict-transport-security"),
  /** The header's value must contain this text (case-insensitive); absent: the header must be present. */
  contains: z.string().max(500).optional(),
});

export const probeDefinition = z.discriminatedUnion("probe", [
  z.strictObject({
    probe: z.literal("http"),
    url,
    expectStatus: z.number().int().min(100).max(599).default(200),
    expectHeaders: z.array(headerExpectation).max(10).default([]),
    timeoutSeconds: z.number().int().min(1).max(30).default(5),
  }),
  z.strictObject({
    probe: z.literal("https-redirect"),
    url,
    timeoutSeconds: z.number().int().min(1).max(30).default(5),
  }),
  z.strictObject({
    probe: z.literal("backup-age"),
    database: text(200),
    maxAgeHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 365),
  }),
  z.strictObject({ probe: z.literal("audit-verify") }),
  z.strictObject({ probe: z.literal("runbook-succeeded"), runbook: text(100), withinDays: days }),
  z.strictObject({ probe: z.literal("secret-rotated"), secret: text(100), withinDays: days }),
  z.strictObject({ probe: z.literal("check"), check: text(100), input: z.record(z.string(), z.unknown()).default({}) }),
]);

export type ProbeDefinition = z.infer<typeof probeDefinition>;
export type ProbeKind = ProbeDefinition["probe"];

export const PROBE_KINDS: { kind: ProbeKind; label: string }[] = [
  { kind: "http", label: "URL answers with a status and headers" },
  { kind: "https-redirect", label: "HTTP redirects to HTTPS" },
  { kind: "backup-age", label: "Newest backup of a database is recent" },
  { kind: "audit-verify", label: "Audit trail verifies" },
  { kind: "runbook-succeeded", label: "Runbook succeeded recently" },
  { kind: "secret-rotated", label: "Secret rotated recently" },
  { kind: "check", label: "A registered runbook check" },
];

/** One line saying what the probe checks, for the item row. */
export function describeProbe(probe: ProbeDefinition): string {
  switch (probe.probe) {
    case "http": {
      const headers = probe.expectHeaders.map((h) => (h.contains ? `${h.name} containing "${h.contains}"` : h.name));
      return `${probe.url} answers ${probe.expectStatus}${headers.length > 0 ? ` with ${headers.join(", ")}` : ""}`;
    }
    case "https-redirect":
      return `${probe.url} redirects to HTTPS`;
    case "backup-age":
      return `newest backup of ${probe.database} is younger than ${probe.maxAgeHours} h`;
    case "audit-verify":
      return "the audit chain verifies end to end";
    case "runbook-succeeded":
      return `runbook ${probe.runbook} succeeded in the last ${probe.withinDays} days`;
    case "secret-rotated":
      return `secret ${probe.secret} was rotated in the last ${probe.withinDays} days`;
    case "check":
      return `check ${probe.check}${Object.keys(probe.input).length > 0 ? ` with ${JSON.stringify(probe.input)}` : ""}`;
  }
}

import { z } from "zod";

export const TELEMETRY_RANGES = [7, 30, 90] as const;

const days = z
  .number({ message: "Choose a range of 7, 30 or 90 days" })
  .int()
  .refine((v) => (TELEMETRY_RANGES as readonly number[]).includes(v), "Choose a range of 7, 30 or 90 days")
  .default(30);

export const telemetryOverviewInput = z.object({ days });

export const runbookTelemetryInput = z.object({
  runbookId: z.string().min(1, "Choose a runbook").max(64, "Unknown runbook"),
  days,
});

export function readRange(value: string | undefined): (typeof TELEMETRY_RANGES)[number] {
  const n = Number(value);
  return (TELEMETRY_RANGES as readonly number[]).includes(n) ? (n as (typeof TELEMETRY_RANGES)[number]) : 30;
}

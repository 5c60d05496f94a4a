import { getEnv } from "../config/env";
import { sessionPolicyFromEnv } from "../auth/session-policy";

/** How long each kind of operational data is kept after it stopped mattering; null keeps it forever. */
export type RetentionPolicy = {
  /** Output lines of steps whose run ended, counted from when the line was written. */
  stepOutputMs: number | null;
  /** Sessions, counted from when they ended (revoked, expired or idle too long). */
  sessionsMs: number | null;
  /** Rate limiter counters, counted from when their window expired. */
  rateLimitsMs: number | null;
  /** Finished jobs in pg-boss's tables, counted from when they finished. */
  jobsMs: number | null;
  /** Sessions end after this much inactivity (the session policy's idle timeout). */
  sessionIdleTimeoutMs: number;
  /** Rows deleted per statement. */
  batchSize: number;
};

const DAY = 86_400_000;
const HOUR = 3_600_000;

const orForever = (amount: number, unitMs: number) => (amount === 0 ? null : amount * unitMs);

export function retentionPolicyFromEnv(): RetentionPolicy {
  const env = getEnv();
  return {
    stepOutputMs: orForever(env.KEEL_RETENTION_STEP_OUTPUT_DAYS, DAY),
    sessionsMs: orForever(env.KEEL_RETENTION_SESSIONS_DAYS, DAY),
    rateLimitsMs: orForever(env.KEEL_RETENTION_RATE_LIMITS_HOURS, HOUR),
    jobsMs: orForever(env.KEEL_RETENTION_JOBS_DAYS, DAY),
    sessionIdleTimeoutMs: sessionPolicyFromEnv().idleTimeoutMs,
    batchSize: 1000,
  };
}

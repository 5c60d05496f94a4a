import { getEnv } from "../config/env";
import type { SessionPolicy } from "./sessions";

export function sessionPolicyFromEnv(): SessionPolicy {
  const env = getEnv();
  return {
    maxAgeMs: env.SESSION_MAX_AGE_HOURS * 3_600_000,
    idleTimeoutMs: env.SESSION_IDLE_TIMEOUT_MINUTES * 60_000,
  };
}

import { DEFAULT_RATE_LIMIT_SETTINGS, type RateLimitSettings } from "../../config/rate-limit-settings";

/**
 * Keel's rate limits (seed 000 §1.3, seed 001 fix 5, seed 002 §1), by class of request.
 * `shared` classes count in PostgreSQL, so they hold across every instance on the database;
 * `instance` classes count in each process's memory, so a read never waits on a write (with N
 * instances behind a balancer, a client may get up to N times the figure). Shared classes fail
 * closed: when PostgreSQL cannot be reached, they refuse.
 */
export type LimitPolicy = {
  points: number;
  durationSeconds: number;
  /** Once over the limit, refused this long (defaults to the rest of the window). */
  blockSeconds?: number;
  counted: "shared" | "instance";
  /** Said in the 429 message: "… 60 run actions a minute". */
  describes: string;
  /** Subjects are IP addresses: Keel's allowlist bypasses these. */
  perIp: boolean;
};

export type LimitClass =
  "sign_in_account_ip" | "sign_in_ip_day" | "action_user" | "high_risk_user" | "read_user" | "request_ip" | "api_token";

const MINUTE = 60;
const DAY = 24 * 3600;

function amount(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en")} ${n === 1 ? one : many}`;
}

/** The limits that `settings` configure (by default, the README's table). */
export function limitPolicies(
  settings: RateLimitSettings = DEFAULT_RATE_LIMIT_SETTINGS,
): Record<LimitClass, LimitPolicy> {
  const s = settings;
  return {
    // Sign-in classes count failures and lock on the one that goes over `points`: the 10th in a
    // row, the 100th in a day. A success clears the first.
    sign_in_account_ip: {
      points: s.KEEL_LIMIT_SIGN_IN_FAILURES - 1,
      durationSeconds: DAY,
      blockSeconds: s.KEEL_LIMIT_SIGN_IN_LOCK_MINUTES * MINUTE,
      counted: "shared",
      describes: `${amount(s.KEEL_LIMIT_SIGN_IN_FAILURES, "failed sign-in")} in a row for this account from this address`,
      perIp: false,
    },
    sign_in_ip_day: {
      points: s.KEEL_LIMIT_SIGN_IN_FAILURES_PER_ADDRESS_DAY - 1,
      durationSeconds: DAY,
      counted: "shared",
      describes: `${amount(s.KEEL_LIMIT_SIGN_IN_FAILURES_PER_ADDRESS_DAY, "failed sign-in")} a day from one address`,
      perIp: true,
    },
    action_user: {
      points: s.KEEL_LIMIT_ACTIONS_PER_USER_MINUTE,
      durationSeconds: MINUTE,
      counted: "shared",
      describes: `${amount(s.KEEL_LIMIT_ACTIONS_PER_USER_MINUTE, "run action")} a minute`,
      perIp: false,
    },
    high_risk_user: {
      points: s.KEEL_LIMIT_HIGH_RISK_PER_USER_MINUTE,
      durationSeconds: MINUTE,
      counted: "shared",
      describes: `${amount(s.KEEL_LIMIT_HIGH_RISK_PER_USER_MINUTE, "high-risk action")} a minute`,
      perIp: false,
    },
    read_user: {
      points: s.KEEL_LIMIT_READS_PER_USER_MINUTE,
      durationSeconds: MINUTE,
      counted: "instance",
      describes: `${amount(s.KEEL_LIMIT_READS_PER_USER_MINUTE, "read")} a minute`,
      perIp: false,
    },
    request_ip: {
      points: s.KEEL_LIMIT_REQUESTS_PER_ADDRESS_MINUTE,
      durationSeconds: MINUTE,
      counted: "instance",
      describes: `${amount(s.KEEL_LIMIT_REQUESTS_PER_ADDRESS_MINUTE, "request")} a minute from one address`,
      perIp: true,
    },
    api_token: {
      points: s.KEEL_LIMIT_API_CALLS_PER_TOKEN_MINUTE,
      durationSeconds: MINUTE,
      counted: "shared",
      describes: `${amount(s.KEEL_LIMIT_API_CALLS_PER_TOKEN_MINUTE, "API call")} a minute per token`,
      perIp: false,
    },
  };
}

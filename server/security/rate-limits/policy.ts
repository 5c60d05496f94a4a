/**
 * Keel's rate limits (seed 000 §1.3, seed 001 fix 5, seed 002 §1), by class of request. `failClosed`
 * classes refuse when the counter store cannot answer; the others fall back to counting in this
 * process's memory until it answers again.
 */
export type LimitPolicy = {
  points: number;
  durationSeconds: number;
  /** Once over the limit, refused this long (defaults to the rest of the window). */
  blockSeconds?: number;
  failClosed: boolean;
  /** Said in the 429 message: "… 60 run actions per minute". */
  describes: string;
  /** Subjects are IP addresses: Keel's allowlist bypasses these. */
  perIp: boolean;
};

export const LIMIT_CLASSES = {
  // Sign-in classes count failures and lock on the one that goes over `points`: the 10th in a row,
  // the 100th in a day.
  /** Consecutive failed sign-ins for one account from one address; a success clears it. */
  sign_in_account_ip: { points: 9, durationSeconds: 24 * 3600, blockSeconds: 15 * 60, failClosed: true, describes: "10 failed sign-ins in a row for this account from this address", perIp: false },
  sign_in_ip_day: { points: 99, durationSeconds: 24 * 3600, failClosed: true, describes: "100 failed sign-ins a day from one address", perIp: true },
  action_user: { points: 60, durationSeconds: 60, failClosed: true, describes: "60 run actions a minute", perIp: false },
  high_risk_user: { points: 10, durationSeconds: 60, failClosed: true, describes: "10 high-risk actions a minute", perIp: false },
  read_user: { points: 600, durationSeconds: 60, failClosed: false, describes: "600 reads a minute", perIp: false },
  request_ip: { points: 1200, durationSeconds: 60, failClosed: false, describes: "1,200 requests a minute from one address", perIp: true },
  api_token: { points: 120, durationSeconds: 60, failClosed: true, describes: "120 API calls a minute per token", perIp: false },
} as const satisfies Record<string, LimitPolicy>;

export type LimitClass = keyof typeof LIMIT_CLASSES;

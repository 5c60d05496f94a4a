import { z } from "zod";

/** The limit classes a setting may raise or lower for one user or token (never the sign-in ones). */
export const OVERRIDABLE_LIMITS = {
  actions: "action_user",
  "high-risk": "high_risk_user",
  reads: "read_user",
  api: "api_token",
} as const;

export type LimitOverride = {
  who: string;
  limit: (typeof OVERRIDABLE_LIMITS)[keyof typeof OVERRIDABLE_LIMITS];
  points: number;
};

const MAX_POINTS = 1_000_000;

function count(fallback: number, unit: string, max = MAX_POINTS) {
  const message = `must be a whole number of ${unit}, at least 1`;
  return z
    .string()
    .trim()
    .regex(/^\d+$/, message)
    .transform(Number)
    .pipe(
      z
        .number()
        .min(1, message)
        .max(max, `must be at most ${max.toLocaleString("en")}`),
    )
    .default(fallback);
}

/**
 * `who:kind=N` entries, comma-separated: `ci-bot@example.com:reads=6000,api-token:deploy:api=1200`.
 * `who` is a user's email or `api-token:<name>`; kinds are actions, high-risk, reads and api.
 */
export function parseLimitOverrides(text: string): { overrides: LimitOverride[]; problems: string[] } {
  const overrides: LimitOverride[] = [];
  const problems: string[] = [];
  const kinds = Object.keys(OVERRIDABLE_LIMITS).join(", ");
  for (const entry of text
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean)) {
    const match = /^(.+):([a-z-]+)=(\d+)$/.exec(entry);
    if (!match) {
      problems.push(`entry "${entry}" must read who:kind=N (for example ci-bot@example.com:reads=6000)`);
      continue;
    }
    const [, who, kind, points] = match as unknown as [string, string, string, string];
    if (!(kind in OVERRIDABLE_LIMITS)) {
      problems.push(`entry "${entry}" names the kind "${kind}"; the kinds are ${kinds}`);
      continue;
    }
    const value = Number(points);
    if (value < 1 || value > MAX_POINTS) {
      problems.push(`entry "${entry}" must allow between 1 and ${MAX_POINTS.toLocaleString("en")}`);
      continue;
    }
    overrides.push({
      who: who.trim().toLowerCase(),
      limit: OVERRIDABLE_LIMITS[kind as keyof typeof OVERRIDABLE_LIMITS],
      points: value,
    });
  }
  return { overrides, problems };
}

const overrides = z
  .string()
  .default("")
  .transform((text, context) => {
    const parsed = parseLimitOverrides(text);
    for (const problem of parsed.problems) context.addIssue({ code: "custom", message: problem });
    return parsed.overrides;
  });

/** Every rate limit is a setting; the defaults are the limits in the README's table. */
export const rateLimitSettings = {
  KEEL_LIMIT_SIGN_IN_FAILURES: count(10, "failed sign-ins", 1000),
  KEEL_LIMIT_SIGN_IN_LOCK_MINUTES: count(15, "minutes", 24 * 60),
  KEEL_LIMIT_SIGN_IN_FAILURES_PER_ADDRESS_DAY: count(100, "failed sign-ins"),
  KEEL_LIMIT_ACTIONS_PER_USER_MINUTE: count(60, "actions"),
  KEEL_LIMIT_HIGH_RISK_PER_USER_MINUTE: count(10, "high-risk steps"),
  KEEL_LIMIT_READS_PER_USER_MINUTE: count(600, "reads"),
  KEEL_LIMIT_REQUESTS_PER_ADDRESS_MINUTE: count(1200, "requests"),
  KEEL_LIMIT_API_CALLS_PER_TOKEN_MINUTE: count(120, "API calls"),
  KEEL_LIMIT_OVERRIDES: overrides,
};

export type RateLimitSettings = { [K in keyof typeof rateLimitSettings]: z.output<(typeof rateLimitSettings)[K]> };

/** Today's limits, as a deployment that sets none of the variables gets them. */
export const DEFAULT_RATE_LIMIT_SETTINGS: RateLimitSettings = z.object(rateLimitSettings).parse({});

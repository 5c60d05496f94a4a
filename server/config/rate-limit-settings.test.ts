import { describe, expect, it } from "vitest";
import { TEST_KEYS } from "@/test/support/test-keys";
import { limitPolicies } from "../security/rate-limits/policy";
import { EnvError, parseEnv } from "./env";
import { DEFAULT_RATE_LIMIT_SETTINGS, parseLimitOverrides } from "./rate-limit-settings";

function parse(vars: Record<string, string>) {
  return parseEnv({ ...TEST_KEYS, ...vars } as unknown as NodeJS.ProcessEnv);
}

function problemsOf(vars: Record<string, string>): string[] {
  try {
    parse(vars);
  } catch (error) {
    if (error instanceof EnvError) return error.problems;
    throw error;
  }
  return [];
}

describe("rate limit settings", () => {
  it("default to the README's table", () => {
    const policies = limitPolicies(DEFAULT_RATE_LIMIT_SETTINGS);
    expect(Object.fromEntries(Object.entries(policies).map(([name, p]) => [name, p.describes]))).toEqual({
      sign_in_account_ip: "10 failed sign-ins in a row for this account from this address",
      sign_in_ip_day: "100 failed sign-ins a day from one address",
      action_user: "60 run actions a minute",
      high_risk_user: "10 high-risk actions a minute",
      read_user: "600 reads a minute",
      request_ip: "1,200 requests a minute from one address",
      api_token: "120 API calls a minute per token",
    });
    expect(policies.sign_in_account_ip).toMatchObject({ points: 9, blockSeconds: 900 });
  });

  it("are read from the environment, and say the new figures in their refusals", () => {
    const env = parse({
      KEEL_LIMIT_READS_PER_USER_MINUTE: "6000",
      KEEL_LIMIT_SIGN_IN_FAILURES: "5",
      KEEL_LIMIT_SIGN_IN_LOCK_MINUTES: "30",
      KEEL_LIMIT_REQUESTS_PER_ADDRESS_MINUTE: " 1 ",
    });
    const policies = limitPolicies(env);
    expect(policies.read_user).toMatchObject({ points: 6000, describes: "6,000 reads a minute" });
    expect(policies.sign_in_account_ip).toMatchObject({
      points: 4,
      blockSeconds: 1800,
      describes: "5 failed sign-ins in a row for this account from this address",
    });
    expect(policies.request_ip.describes).toBe("1 request a minute from one address");
  });

  it("refuse a figure that is not a whole number of at least 1, naming the variable", () => {
    const problems = problemsOf({
      KEEL_LIMIT_ACTIONS_PER_USER_MINUTE: "0",
      KEEL_LIMIT_READS_PER_USER_MINUTE: "lots",
      KEEL_LIMIT_API_CALLS_PER_TOKEN_MINUTE: "",
      KEEL_LIMIT_SIGN_IN_LOCK_MINUTES: "99999",
    });
    expect(problems).toEqual([
      "KEEL_LIMIT_SIGN_IN_LOCK_MINUTES must be at most 1,440",
      "KEEL_LIMIT_ACTIONS_PER_USER_MINUTE must be a whole number of actions, at least 1",
      "KEEL_LIMIT_READS_PER_USER_MINUTE must be a whole number of reads, at least 1",
      "KEEL_LIMIT_API_CALLS_PER_TOKEN_MINUTE must be a whole number of API calls, at least 1",
    ]);
  });

  it("give one user or token its own figure", () => {
    expect(
      parse({
        KEEL_LIMIT_OVERRIDES: "CI-Bot@Example.com:reads=6000, api-token:deploy:api=1200,ci-bot@example.com:actions=600",
      }).KEEL_LIMIT_OVERRIDES,
    ).toEqual([
      { who: "ci-bot@example.com", limit: "read_user", points: 6000 },
      { who: "api-token:deploy", limit: "api_token", points: 1200 },
      { who: "ci-bot@example.com", limit: "action_user", points: 600 },
    ]);
  });

  it("refuse an override that cannot be read, saying what each entry should look like", () => {
    expect(
      parseLimitOverrides(
        "ci@example.com:reads=x, ci@example.com:sign-in=5, ci@example.com:reads=0,ok@example.com:api=3",
      ).problems,
    ).toEqual([
      'entry "ci@example.com:reads=x" must read who:kind=N (for example ci-bot@example.com:reads=6000)',
      'entry "ci@example.com:sign-in=5" names the kind "sign-in"; the kinds are actions, high-risk, reads, api',
      'entry "ci@example.com:reads=0" must allow between 1 and 1,000,000',
    ]);
    expect(problemsOf({ KEEL_LIMIT_OVERRIDES: "nonsense" })).toEqual([
      'KEEL_LIMIT_OVERRIDES entry "nonsense" must read who:kind=N (for example ci-bot@example.com:reads=6000)',
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { TEST_KEYS } from "@/test/support/test-keys";
import { EnvError, parseEnv } from "./env";

function problemsOf(source: Record<string, string>): string[] {
  try {
    parseEnv(source as unknown as NodeJS.ProcessEnv);
  } catch (error) {
    if (error instanceof EnvError) return error.problems;
    throw error;
  }
  return [];
}

function withKeys(vars: Record<string, string>): NodeJS.ProcessEnv {
  return { ...TEST_KEYS, ...vars } as unknown as NodeJS.ProcessEnv;
}

describe("parseEnv", () => {
  it("refuses to start in production without its secrets, saying how to generate each", () => {
    const problems = problemsOf({ NODE_ENV: "production" });
    for (const name of ["AUTH_SECRET", "AUDIT_HMAC_KEY", "ENCRYPTION_KEY"]) {
      const line = problems.find((p) => p.startsWith(name));
      expect(line).toContain("openssl rand -base64 32");
    }
  });

  it("names every bad variable at once", () => {
    const problems = problemsOf({
      ...TEST_KEYS,
      ENCRYPTION_KEY: "short",
      PORT: "70000",
      OIDC_ISSUER: "https://id.example",
    });
    expect(problems.some((p) => p.startsWith("ENCRYPTION_KEY") && p.includes("32 random bytes"))).toBe(true);
    expect(problems.some((p) => p.startsWith("PORT"))).toBe(true);
    expect(problems.some((p) => p.includes("OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET"))).toBe(true);
  });

  it("enables single sign-on only when all three OIDC settings are present", () => {
    expect(parseEnv(withKeys({})).oidc).toBeNull();
    const parsed = parseEnv(
      withKeys({ OIDC_ISSUER: "https://id.example/", OIDC_CLIENT_ID: "keel", OIDC_CLIENT_SECRET: "s3cret-value" }),
    );
    expect(parsed.oidc).toEqual({
      issuer: "https://id.example/",
      clientId: "keel",
      clientSecret: "s3cret-value",
      displayName: "Single sign-on",
    });
  });

  it("derives the public URL from the port", () => {
    expect(parseEnv(withKeys({ PORT: "4100" })).publicUrl).toBe("http://localhost:4100");
    expect(parseEnv(withKeys({ KEEL_PUBLIC_URL: "https://keel.example/" })).publicUrl).toBe("https://keel.example");
  });

  it("reads the runbook directories as a comma-separated list", () => {
    expect(parseEnv(withKeys({})).runbookDirectories).toEqual(["runbooks"]);
    expect(
      parseEnv(withKeys({ KEEL_RUNBOOK_DIRS: " runbooks, test/fixtures/runbooks ,," })).runbookDirectories,
    ).toEqual(["runbooks", "test/fixtures/runbooks"]);
    expect(parseEnv(withKeys({ KEEL_RUNBOOK_DIRS: " , " })).runbookDirectories).toEqual(["runbooks"]);
  });

  it("reads retention periods and the re-authentication window, 0 keeping a kind forever, and names bad ones", () => {
    const defaults = parseEnv(withKeys({}));
    expect([
      defaults.KEEL_RETENTION_STEP_OUTPUT_DAYS,
      defaults.KEEL_RETENTION_SESSIONS_DAYS,
      defaults.KEEL_RETENTION_RATE_LIMITS_HOURS,
      defaults.KEEL_RETENTION_JOBS_DAYS,
      defaults.KEEL_RETENTION_SWEEP_MINUTES,
      defaults.KEEL_REAUTH_MINUTES,
    ]).toEqual([90, 30, 24, 7, 60, 15]);
    expect(
      parseEnv(withKeys({ KEEL_RETENTION_STEP_OUTPUT_DAYS: "0", KEEL_RETENTION_JOBS_DAYS: " 14 " })),
    ).toMatchObject({ KEEL_RETENTION_STEP_OUTPUT_DAYS: 0, KEEL_RETENTION_JOBS_DAYS: 14 });
    const problems = problemsOf({
      ...TEST_KEYS,
      KEEL_RETENTION_SESSIONS_DAYS: "",
      KEEL_RETENTION_RATE_LIMITS_HOURS: "1.5",
      KEEL_RETENTION_STEP_OUTPUT_DAYS: "-3",
      KEEL_RETENTION_SWEEP_MINUTES: "0",
      KEEL_REAUTH_MINUTES: "soon",
    });
    for (const name of [
      "KEEL_RETENTION_SESSIONS_DAYS",
      "KEEL_RETENTION_RATE_LIMITS_HOURS",
      "KEEL_RETENTION_STEP_OUTPUT_DAYS",
      "KEEL_RETENTION_SWEEP_MINUTES",
      "KEEL_REAUTH_MINUTES",
    ]) {
      expect(
        problems.some((p) => p.startsWith(name)),
        name,
      ).toBe(true);
    }
    expect(problems.find((p) => p.startsWith("KEEL_RETENTION_SESSIONS_DAYS"))).toContain("0 keeps forever");
  });

  it("reads the self-backup period, directory and count, 0 hours turning it off, and names bad ones", () => {
    expect(parseEnv(withKeys({}))).toMatchObject({ KEEL_SELF_BACKUP_HOURS: 24, KEEL_SELF_BACKUP_KEEP: 7 });
    expect(parseEnv(withKeys({})).KEEL_SELF_BACKUP_DIR).toBeUndefined();
    expect(
      parseEnv(
        withKeys({
          KEEL_SELF_BACKUP_HOURS: "0",
          KEEL_SELF_BACKUP_KEEP: " 30 ",
          KEEL_SELF_BACKUP_DIR: "/srv/keel-backups",
        }),
      ),
    ).toMatchObject({
      KEEL_SELF_BACKUP_HOURS: 0,
      KEEL_SELF_BACKUP_KEEP: 30,
      KEEL_SELF_BACKUP_DIR: "/srv/keel-backups",
    });
    const problems = problemsOf({
      ...TEST_KEYS,
      KEEL_SELF_BACKUP_HOURS: "daily",
      KEEL_SELF_BACKUP_KEEP: "0",
      KEEL_SELF_BACKUP_DIR: " ",
    });
    expect(problems.find((p) => p.startsWith("KEEL_SELF_BACKUP_HOURS"))).toContain("0 turns the self-backup off");
    expect(problems.find((p) => p.startsWith("KEEL_SELF_BACKUP_KEEP"))).toContain("at least 1");
    expect(problems.some((p) => p.startsWith("KEEL_SELF_BACKUP_DIR"))).toBe(true);
    expect(
      problemsOf({ ...TEST_KEYS, KEEL_SELF_BACKUP_HOURS: "" }).some((p) => p.startsWith("KEEL_SELF_BACKUP_HOURS")),
    ).toBe(true);
  });

  it("reads the shutdown grace period (default 60 s, 0 allowed) and names a bad one", () => {
    expect(parseEnv(withKeys({})).KEEL_SHUTDOWN_GRACE_SECONDS).toBe(60);
    expect(parseEnv(withKeys({ KEEL_SHUTDOWN_GRACE_SECONDS: " 0 " })).KEEL_SHUTDOWN_GRACE_SECONDS).toBe(0);
    expect(parseEnv(withKeys({ KEEL_SHUTDOWN_GRACE_SECONDS: "120" })).KEEL_SHUTDOWN_GRACE_SECONDS).toBe(120);
    for (const bad of ["", "1.5", "-1", "60s", "3601"]) {
      const problems = problemsOf({ ...TEST_KEYS, KEEL_SHUTDOWN_GRACE_SECONDS: bad });
      expect(problems, bad).toHaveLength(1);
      expect(problems[0]).toMatch(/^KEEL_SHUTDOWN_GRACE_SECONDS must be (a whole number of seconds|at most an hour)/);
    }
  });

  it("reads the step workers and the worker groups this instance serves, naming a bad entry", () => {
    expect(parseEnv(withKeys({}))).toMatchObject({
      KEEL_WORKERS: 4,
      KEEL_WORKER_GROUPS: { groups: [], ungrouped: true },
    });
    expect(parseEnv(withKeys({ KEEL_WORKERS: "0" })).KEEL_WORKERS).toBe(0);
    expect(parseEnv(withKeys({ KEEL_WORKER_GROUPS: " edge-nginx, db-eu ,edge-nginx" })).KEEL_WORKER_GROUPS).toEqual({
      groups: ["edge-nginx", "db-eu"],
      ungrouped: true,
    });
    expect(parseEnv(withKeys({ KEEL_WORKER_GROUPS: "edge-nginx,-ungrouped" })).KEEL_WORKER_GROUPS).toEqual({
      groups: ["edge-nginx"],
      ungrouped: false,
    });
    expect(problemsOf({ ...TEST_KEYS, KEEL_WORKER_GROUPS: "edge-nginx,Edge_2" })).toEqual([
      'KEEL_WORKER_GROUPS "Edge_2": use lower-case letters, digits and -, starting with a letter (at most 40), or -ungrouped',
    ]);
    expect(problemsOf({ ...TEST_KEYS, KEEL_WORKER_GROUPS: "-ungrouped" })).toEqual([
      "KEEL_WORKER_GROUPS -ungrouped needs at least one worker group beside it (or set KEEL_WORKERS=0 for a web-only instance)",
    ]);
    expect(problemsOf({ ...TEST_KEYS, KEEL_WORKERS: "four" })).toEqual([
      "KEEL_WORKERS must be a whole number of workers (0 for a web-only instance)",
    ]);
  });

  it("builds the demo environment by default except in production, and obeys KEEL_DEMO either way", () => {
    expect(parseEnv(withKeys({ NODE_ENV: "production" })).KEEL_DEMO).toBe("off");
    expect(parseEnv(withKeys({ NODE_ENV: "development" })).KEEL_DEMO).toBe("on");
    expect(parseEnv(withKeys({})).KEEL_DEMO).toBe("on");
    expect(parseEnv(withKeys({ NODE_ENV: "production", KEEL_DEMO: "on" })).KEEL_DEMO).toBe("on");
    expect(parseEnv(withKeys({ KEEL_DEMO: "off" })).KEEL_DEMO).toBe("off");
    expect(problemsOf({ ...TEST_KEYS, KEEL_DEMO: "yes" }).some((p) => p.startsWith("KEEL_DEMO"))).toBe(true);
  });

  it("validates the pool size and the sweep intervals, naming each bad one", () => {
    expect(parseEnv(withKeys({}))).toMatchObject({
      DATABASE_POOL_MAX: 10,
      KEEL_ALLOWLIST_SWEEP_MS: 60_000,
      KEEL_CHECKLIST_SWEEP_MS: 60_000,
    });
    expect(parseEnv(withKeys({ DATABASE_POOL_MAX: " 25 ", KEEL_CHECKLIST_SWEEP_MS: "5000" }))).toMatchObject({
      DATABASE_POOL_MAX: 25,
      KEEL_CHECKLIST_SWEEP_MS: 5000,
    });
    expect(
      problemsOf({
        ...TEST_KEYS,
        DATABASE_POOL_MAX: "ten",
        KEEL_ALLOWLIST_SWEEP_MS: "10",
        KEEL_CHECKLIST_SWEEP_MS: "",
      }),
    ).toEqual([
      "DATABASE_POOL_MAX must be a whole number of connections from 1 to 1,000",
      "KEEL_ALLOWLIST_SWEEP_MS must be a whole number of milliseconds from 1,000 to 86,400,000",
      "KEEL_CHECKLIST_SWEEP_MS must be a whole number of milliseconds from 1,000 to 86,400,000",
    ]);
  });
});

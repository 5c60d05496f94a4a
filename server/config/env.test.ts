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
    const problems = problemsOf({ ...TEST_KEYS, ENCRYPTION_KEY: "short", PORT: "70000", OIDC_ISSUER: "https://id.example" });
    expect(problems.some((p) => p.startsWith("ENCRYPTION_KEY") && p.includes("32 random bytes"))).toBe(true);
    expect(problems.some((p) => p.startsWith("PORT"))).toBe(true);
    expect(problems.some((p) => p.includes("OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET"))).toBe(true);
  });

  it("enables single sign-on only when all three OIDC settings are present", () => {
    expect(parseEnv(withKeys({})).oidc).toBeNull();
    const parsed = parseEnv(withKeys({ OIDC_ISSUER: "https://id.example/", OIDC_CLIENT_ID: "keel", OIDC_CLIENT_SECRET: "s3cret-value" }));
    expect(parsed.oidc).toEqual({ issuer: "https://id.example/", clientId: "keel", clientSecret: "s3cret-value", displayName: "Single sign-on" });
  });

  it("derives the public URL from the port", () => {
    expect(parseEnv(withKeys({ PORT: "4100" })).publicUrl).toBe("http://localhost:4100");
    expect(parseEnv(withKeys({ KEEL_PUBLIC_URL: "https://keel.example/" })).publicUrl).toBe("https://keel.example");
  });

  it("reads the runbook directories as a comma-separated list", () => {
    expect(parseEnv(withKeys({})).runbookDirectories).toEqual(["runbooks"]);
    expect(parseEnv(withKeys({ KEEL_RUNBOOK_DIRS: " runbooks, test/fixtures/runbooks ,," })).runbookDirectories).toEqual(["runbooks", "test/fixtures/runbooks"]);
    expect(parseEnv(withKeys({ KEEL_RUNBOOK_DIRS: " , " })).runbookDirectories).toEqual(["runbooks"]);
  });
});

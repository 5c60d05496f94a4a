import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { assertMetricsToken } from "./metrics-token";

const TOKEN = "m".repeat(40);

function codeOf(run: () => void): string | null {
  try {
    run();
    return null;
  } catch (error) {
    return error instanceof AppError ? error.code : "other";
  }
}

describe("assertMetricsToken", () => {
  it("answers NOT_FOUND while metrics are off", () => {
    expect(codeOf(() => assertMetricsToken(undefined, `Bearer ${TOKEN}`))).toBe("NOT_FOUND");
  });

  it("accepts only the configured bearer token", () => {
    expect(codeOf(() => assertMetricsToken(TOKEN, `Bearer ${TOKEN}`))).toBeNull();
    expect(codeOf(() => assertMetricsToken(TOKEN, `bearer ${TOKEN}`))).toBeNull();
    expect(codeOf(() => assertMetricsToken(TOKEN, null))).toBe("UNAUTHORIZED");
    expect(codeOf(() => assertMetricsToken(TOKEN, `Bearer ${TOKEN}x`))).toBe("UNAUTHORIZED");
    expect(codeOf(() => assertMetricsToken(TOKEN, TOKEN))).toBe("UNAUTHORIZED");
  });
});

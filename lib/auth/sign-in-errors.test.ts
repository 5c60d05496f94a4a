import { describe, expect, it } from "vitest";
import { SIGN_IN_RATE_LIMITED, signInErrorMessage } from "./sign-in-errors";

describe("signInErrorMessage", () => {
  it("says how long a locked sign-in waits, and nothing else about the account", () => {
    expect(signInErrorMessage(`${SIGN_IN_RATE_LIMITED}900`)).toBe(
      "Too many failed sign-ins from here. Sign-in is locked; try again in 15 minutes.",
    );
    expect(signInErrorMessage(`${SIGN_IN_RATE_LIMITED}30`)).toBe(
      "Too many failed sign-ins from here. Sign-in is locked; try again in 1 minute.",
    );
    expect(signInErrorMessage("CredentialsSignin")).toBe("Invalid email or password.");
  });
});

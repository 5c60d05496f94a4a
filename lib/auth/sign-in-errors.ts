/** What next-auth hands the sign-in form when a sign-in was refused by the brute-force lock: this prefix and the seconds to wait. */
export const SIGN_IN_RATE_LIMITED = "rate_limited:";

/** The message the sign-in form shows for next-auth's error string. */
export function signInErrorMessage(error: string): string {
  if (error.startsWith(SIGN_IN_RATE_LIMITED)) {
    const seconds = Number(error.slice(SIGN_IN_RATE_LIMITED.length));
    const minutes = Math.max(1, Math.ceil(seconds / 60));
    return `Too many failed sign-ins from here. Sign-in is locked; try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
  }
  return "Invalid email or password.";
}

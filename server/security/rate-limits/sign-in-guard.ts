import type { RequestMeta } from "@/db/schema";
import type { Actor } from "../../audit/actor";
import { fingerprintSecret } from "../../audit/fingerprint";
import type { RateLimits, Refusal } from "./rate-limits";

/**
 * Brute-force protection of password sign-in (seed 001 fix 5): 10 failures in a row for one
 * account from one address lock that pair for 15 minutes, and one address may fail 100 times a
 * day. A locked attempt is refused before the password is checked, so a right guess during the
 * lock gains nothing. The account is keyed by the fingerprint of what was typed (it may be a
 * password typed into the wrong field), never by the text itself.
 */
export function signInGuard(limits: RateLimits | null, attemptedEmail: unknown, request: RequestMeta) {
  const ip = request.ip ?? "unknown";
  const account = fingerprintSecret(typeof attemptedEmail === "string" ? attemptedEmail.trim().toLowerCase() : "");
  const pair = `${account}|${ip}`;
  return {
    async locked(): Promise<Refusal | null> {
      if (!limits) return null;
      return (await limits.blocked("sign_in_account_ip", pair)) ?? (await limits.blocked("sign_in_ip_day", ip));
    },
    async failed(actor: Actor): Promise<Refusal | null> {
      if (!limits) return null;
      const byPair = await limits.take("sign_in_account_ip", pair, actor);
      const byIp = await limits.take("sign_in_ip_day", ip, actor);
      return byPair ?? byIp;
    },
    async succeeded(): Promise<void> {
      await limits?.clear("sign_in_account_ip", pair);
    },
  };
}

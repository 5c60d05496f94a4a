import { REAUTH_REQUIRED, type ReauthRequiredDetails } from "@/lib/schemas/account";

/** The details of a refusal that asks the person to prove their password (or SSO sign-in) again, or null. */
export function reauthRequiredOf(error: unknown): ReauthRequiredDetails | null {
  const details = (error as { data?: { code?: string; details?: Partial<ReauthRequiredDetails> } } | null)?.data
    ?.details;
  if (!details || details.reason !== REAUTH_REQUIRED) return null;
  return details as ReauthRequiredDetails;
}

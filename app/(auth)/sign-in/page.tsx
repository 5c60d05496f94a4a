import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { safeRedirectPath } from "@/lib/safe-redirect";
import { getCurrentSession } from "@/server/auth/current-session";
import { OIDC_PROVIDER_ID } from "@/server/auth/next-auth";
import { getEnv } from "@/server/config/env";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

/** Messages for next-auth's ?error= codes. None of them says whether an account exists. */
const ERROR_MESSAGES: Record<string, string> = {
  CredentialsSignin: "Invalid email or password.",
  OidcNotProvisioned: "Your single sign-on identity has no Keel account. Ask an admin to add you.",
  OidcEmailUnverified: "Your identity provider did not confirm your email address.",
  SessionRequired: "Sign in to continue.",
};

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const callbackUrl = safeRedirectPath(params.callbackUrl);
  if (await getCurrentSession()) redirect(callbackUrl);
  const errorCode = typeof params.error === "string" ? params.error : null;
  const oidc = getEnv().oidc;
  return (
    <div className="card stack">
      <h1>Sign in</h1>
      <SignInForm
        callbackUrl={callbackUrl}
        initialError={errorCode ? (ERROR_MESSAGES[errorCode] ?? "Sign-in failed. Try again.") : null}
        oidc={oidc ? { id: OIDC_PROVIDER_ID, name: oidc.displayName } : null}
      />
    </div>
  );
}

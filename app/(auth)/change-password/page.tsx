import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getCurrentSession } from "@/server/auth/current-session";
import { TRPCReactProvider } from "@/lib/trpc/client";
import { FirstPasswordForm } from "./first-password-form";

export const metadata: Metadata = { title: "Choose a new password" };

/** Where a user with a one-time password lands after signing in; nothing else is open to them. */
export default async function ChangePasswordPage() {
  const session = await getCurrentSession();
  if (!session) redirect("/sign-in");
  if (!session.user.mustChangePassword) redirect("/");
  return (
    <div className="card stack">
      <h1>Choose a new password</h1>
      <p className="muted">
        You signed in as <strong>{session.user.email}</strong> with a one-time password. Replace it with a password only
        you know.
      </p>
      <TRPCReactProvider>
        <FirstPasswordForm />
      </TRPCReactProvider>
    </div>
  );
}

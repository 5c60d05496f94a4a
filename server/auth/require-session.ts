import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getCurrentSession } from "./current-session";
import type { ResolvedSession } from "./sessions";

/**
 * For console layouts and pages (Next.js renders them concurrently, so each must check): the
 * session, or a redirect to sign in, or to replace a one-time password first.
 */
export async function requireSession(): Promise<ResolvedSession> {
  const session = await getCurrentSession();
  if (!session) {
    const path = (await headers()).get("x-keel-path") ?? "/";
    redirect(`/sign-in?callbackUrl=${encodeURIComponent(path)}`);
  }
  if (session.user.mustChangePassword) redirect("/change-password");
  return session;
}

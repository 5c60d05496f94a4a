import type { Metadata } from "next";
import { RoleBadge } from "@/app/_components/role-badge";
import { formatDateTime } from "@/lib/format/time";
import { requireSession } from "@/server/auth/require-session";
import { HydrateClient, prefetch, trpc } from "@/server/trpc-rsc";
import { AccountPasswordCard } from "./account-password-card";
import { SessionsCard } from "./sessions-card";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const session = await requireSession();
  await prefetch(trpc.account.sessions.queryOptions());
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Your account</h1>
          <p>Your profile, your password and where you are signed in.</p>
        </div>
      </div>
      <div className="grid grid-2">
        <section className="card">
          <h2>Profile</h2>
          <dl className="stack">
            <div>
              <dt className="muted small">Name</dt>
              <dd>{session.user.name}</dd>
            </div>
            <div>
              <dt className="muted small">Email</dt>
              <dd>{session.user.email}</dd>
            </div>
            <div>
              <dt className="muted small">Role</dt>
              <dd>
                <RoleBadge role={session.user.role} />
              </dd>
            </div>
            <div>
              <dt className="muted small">This session started</dt>
              <dd>{formatDateTime(session.createdAt)}</dd>
            </div>
          </dl>
        </section>
        <AccountPasswordCard />
      </div>
      <HydrateClient>
        <SessionsCard />
      </HydrateClient>
    </>
  );
}

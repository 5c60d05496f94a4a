import type { Metadata } from "next";
import { ActivityList } from "@/app/_components/activity-list";
import { ActiveIncidents } from "./_home/active-incidents";
import { LaunchesAtRisk } from "./_home/launches-at-risk";
import { RoleBadge } from "@/app/_components/role-badge";
import { ROLE_DESCRIPTIONS } from "@/lib/roles";
import { requireSession } from "@/server/auth/require-session";
import { HydrateClient, prefetch, trpc } from "@/server/trpc-rsc";

export const metadata: Metadata = { title: "Home" };

export default async function HomePage() {
  const session = await requireSession();
  await prefetch(trpc.account.activity.queryOptions());
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Hello, {session.user.name}</h1>
          <p>
            You are a <RoleBadge role={session.user.role} />: {ROLE_DESCRIPTIONS[session.user.role].toLowerCase()}.
          </p>
        </div>
      </div>
      <ActiveIncidents />
      <LaunchesAtRisk />
      <section className="card">
        <h2>Your recent activity</h2>
        <HydrateClient>
          <ActivityList />
        </HydrateClient>
      </section>
    </>
  );
}

import type { Metadata } from "next";
import { RoleBadge } from "@/app/_components/role-badge";
import { ROLE_DESCRIPTIONS } from "@/lib/roles";
import { requireSession } from "@/server/auth/require-session";
import { ActiveIncidents } from "./_home/active-incidents";
import { ApprovalsForYouCard } from "./_home/approvals-for-you";
import { LaunchesAtRisk } from "./_home/launches-at-risk";
import { RecentActivityCard } from "./_home/recent-activity";
import { TroubledRunsCard } from "./_home/troubled-runs";
import { WaitingForYouCard } from "./_home/waiting-for-you";
import { articleFor } from "@/lib/format/article";

export const metadata: Metadata = { title: "Home" };

/**
 * "Needs you now": a grid of cards, each a self-contained server component in ./_home that
 * prefetches its own data. A new card is one import and one line in the grid.
 */
export default async function HomePage() {
  const session = await requireSession();
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Hello, {session.user.name}</h1>
          <p>
            You are {articleFor(session.user.role)} <RoleBadge role={session.user.role} />:{" "}
            {ROLE_DESCRIPTIONS[session.user.role].toLowerCase()}. Here is what needs you now.
          </p>
        </div>
      </div>
      <div className="home-grid">
        <ActiveIncidents />
        <WaitingForYouCard />
        <ApprovalsForYouCard />
        <TroubledRunsCard />
        <LaunchesAtRisk />
        <RecentActivityCard email={session.user.email} />
      </div>
    </>
  );
}

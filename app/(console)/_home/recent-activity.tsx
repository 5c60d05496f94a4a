import Link from "next/link";
import { ActivityList } from "@/app/_components/activity-list";
import { HydrateClient, prefetch, trpc } from "@/server/trpc-rsc";

/** Home card: what the signed-in person did lately, from the audit trail. */
export async function RecentActivityCard({ email }: { email: string }) {
  await prefetch(trpc.account.activity.queryOptions());
  return (
    <section className="card" aria-labelledby="home-activity">
      <div className="card-title-row">
        <h2 id="home-activity">Your recent activity</h2>
        <Link prefetch={false} className="small" href={`/history?actor=${encodeURIComponent(email)}`}>
          In History →
        </Link>
      </div>
      <HydrateClient>
        <ActivityList />
      </HydrateClient>
    </section>
  );
}

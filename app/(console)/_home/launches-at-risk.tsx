import { HydrateClient, prefetch, trpc } from "@/server/trpc-rsc";
import { LaunchesAtRiskList } from "./launches-at-risk-list";

/** The home page's card: launches within 14 days whose gate is not ready, or with overdue critical items. */
export async function LaunchesAtRisk() {
  await prefetch(trpc.checklists.atRisk.queryOptions());
  return (
    <section className="card home-card" aria-labelledby="launches-at-risk-title">
      <h2 id="launches-at-risk-title">Launches at risk</h2>
      <HydrateClient>
        <LaunchesAtRiskList />
      </HydrateClient>
    </section>
  );
}

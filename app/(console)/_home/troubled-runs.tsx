import { HydrateClient, prefetch, trpc } from "@/server/trpc-rsc";
import { NeedsYouList } from "./needs-you-list";

/** Home card: Runs stopped at a failed or interrupted step. */
export async function TroubledRunsCard() {
  await prefetch(trpc.home.needsYou.queryOptions());
  return (
    <section className="card" aria-labelledby="home-troubled">
      <h2 id="home-troubled">Failed or interrupted</h2>
      <p className="muted small">Runs stopped at a failed or interrupted step.</p>
      <HydrateClient>
        <NeedsYouList kind="troubled" />
      </HydrateClient>
    </section>
  );
}

import { HydrateClient, prefetch, trpc } from "@/server/trpc-rsc";
import { NeedsYouList } from "./needs-you-list";

/** Home card: Runs at a step that needs a person to confirm or execute it. */
export async function WaitingForYouCard() {
  await prefetch(trpc.home.needsYou.queryOptions());
  return (
    <section className="card" aria-labelledby="home-operator">
      <h2 id="home-operator">Waiting for you</h2>
      <p className="muted small">Runs at a step that needs a person to confirm or execute it.</p>
      <HydrateClient>
        <NeedsYouList kind="operator" />
      </HydrateClient>
    </section>
  );
}

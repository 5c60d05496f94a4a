import { HydrateClient, prefetch, trpc } from "@/server/trpc-rsc";
import { NeedsYouList } from "./needs-you-list";

/** Home card: Other people&apos;s runs waiting for an approval your role allows. */
export async function ApprovalsForYouCard() {
  await prefetch(trpc.home.needsYou.queryOptions());
  return (
    <section className="card" aria-labelledby="home-approvals">
      <h2 id="home-approvals">Approvals you may give</h2>
      <p className="muted small">Other people&apos;s runs waiting for an approval your role allows.</p>
      <HydrateClient>
        <NeedsYouList kind="approvals" />
      </HydrateClient>
    </section>
  );
}

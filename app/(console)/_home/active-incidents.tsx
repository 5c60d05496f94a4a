import { HydrateClient, prefetch, trpc } from "@/server/trpc-rsc";
import { ActiveIncidentsCard } from "./active-incidents-card";

/** The home page's card of open incidents: prefetched here, so the page needs one line for it. */
export async function ActiveIncidents() {
  await prefetch(trpc.incidents.list.queryOptions({ status: "active", limit: 5 }));
  return (
    <HydrateClient>
      <ActiveIncidentsCard />
    </HydrateClient>
  );
}

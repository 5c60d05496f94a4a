import type { Metadata } from "next";
import { requireSession } from "@/server/auth/require-session";
import { RUN_FILTERS } from "@/lib/schemas/runs";
import { HydrateClient, prefetch, trpc } from "@/server/trpc-rsc";
import { RunsList } from "./runs-list";

export const metadata: Metadata = { title: "Runs" };

type Filter = (typeof RUN_FILTERS)[number];

export default async function RunsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireSession();
  const requested = (await searchParams).filter;
  const filter: Filter = RUN_FILTERS.includes(requested as Filter) ? (requested as Filter) : "active";
  await prefetch(trpc.runs.list.queryOptions({ filter }));
  return (
    <HydrateClient>
      <RunsList filter={filter} />
    </HydrateClient>
  );
}

import type { Metadata } from "next";
import { requireSession } from "@/server/auth/require-session";
import { HydrateClient, prefetch, trpc } from "@/server/trpc-rsc";
import { ChainBanner } from "./chain-banner";
import { HistoryFiltersForm } from "./history-filters-form";
import { HistoryTable } from "./history-table";
import { first, readFilters, type PageSearchParams } from "./search-params";

export const metadata: Metadata = { title: "History" };

export default async function HistoryPage({ searchParams }: { searchParams: Promise<PageSearchParams> }) {
  const session = await requireSession();
  const params = await searchParams;
  const { raw, filters, errors } = readFilters(params);
  const cursor = first(params.cursor) ?? null;
  await Promise.all([
    prefetch(trpc.history.eventTypes.queryOptions()),
    filters ? prefetch(trpc.history.list.queryOptions({ filters, cursor })) : Promise.resolve(),
  ]);
  const seesOthersSignIns = session.user.role === "lead" || session.user.role === "admin";
  return (
    <HydrateClient>
      <div className="page-header">
        <div>
          <h1>History</h1>
          <p>Who did what, when, with which inputs and outcome: the append-only audit trail, newest first.</p>
        </div>
      </div>
      <ChainBanner />
      <HistoryFiltersForm values={raw} errors={errors} />
      {!seesOthersSignIns ? (
        <p className="muted small">You see your own sign-ins only; leads and admins see everyone&apos;s.</p>
      ) : null}
      {filters ? (
        <HistoryTable filters={filters} cursor={cursor} />
      ) : (
        <p className="alert error">Fix the highlighted filters to see events.</p>
      )}
    </HydrateClient>
  );
}

import type { Metadata } from "next";
import { readRange } from "@/lib/schemas/telemetry";
import { requireSession } from "@/server/auth/require-session";
import { HydrateClient, prefetch, trpc } from "@/server/trpc-rsc";
import { RunbookStats } from "./runbook-stats";

export const metadata: Metadata = { title: "Runbook telemetry" };

export default async function RunbookStatsPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireSession();
  const { id: runbookId } = await params;
  const requested = (await searchParams).days;
  const days = readRange(Array.isArray(requested) ? requested[0] : requested);
  await prefetch(trpc.telemetry.runbook.queryOptions({ runbookId, days }));
  return (
    <HydrateClient>
      <RunbookStats runbookId={runbookId} days={days} />
    </HydrateClient>
  );
}

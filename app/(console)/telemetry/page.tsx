import type { Metadata } from "next";
import { readRange } from "@/lib/schemas/telemetry";
import { requireSession } from "@/server/auth/require-session";
import { HydrateClient, prefetch, trpc } from "@/server/trpc-rsc";
import { TelemetryOverview } from "./telemetry-overview";

export const metadata: Metadata = { title: "Telemetry" };

export default async function TelemetryPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireSession();
  const requested = (await searchParams).days;
  const days = readRange(Array.isArray(requested) ? requested[0] : requested);
  await prefetch(trpc.telemetry.overview.queryOptions({ days }));
  return (
    <HydrateClient>
      <TelemetryOverview days={days} />
    </HydrateClient>
  );
}

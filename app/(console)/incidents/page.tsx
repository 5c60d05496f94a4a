import type { Metadata } from "next";
import { hasRole } from "@/lib/roles";
import { INCIDENT_FILTERS, type IncidentFilter } from "@/lib/schemas/incidents";
import { requireSession } from "@/server/auth/require-session";
import { HydrateClient, prefetch, trpc } from "@/server/trpc-rsc";
import { IncidentsList } from "./incidents-list";

export const metadata: Metadata = { title: "Incidents" };

export default async function IncidentsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const session = await requireSession();
  const requested = (await searchParams).status;
  const status: IncidentFilter = INCIDENT_FILTERS.includes(requested as IncidentFilter)
    ? (requested as IncidentFilter)
    : "all";
  await prefetch(trpc.incidents.list.queryOptions({ status }));
  return (
    <HydrateClient>
      <IncidentsList status={status} canDeclare={hasRole(session.user.role, "responder")} />
    </HydrateClient>
  );
}

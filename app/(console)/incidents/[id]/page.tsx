import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { z } from "zod";
import { hasRole } from "@/lib/roles";
import { requireSession } from "@/server/auth/require-session";
import { HydrateClient, prefetch, trpc } from "@/server/trpc-rsc";
import { IncidentPage } from "./_components/incident-page";

export const metadata: Metadata = { title: "Incident" };

export default async function IncidentRoute({ params }: { params: Promise<{ id: string }> }) {
  const session = await requireSession();
  const { id } = await params;
  if (!z.uuid().safeParse(id).success) notFound();
  const input = { incidentId: id };
  const responder = hasRole(session.user.role, "responder");
  await Promise.all([
    prefetch(trpc.incidents.get.queryOptions(input)),
    prefetch(trpc.incidents.timeline.queryOptions(input)),
    prefetch(trpc.incidents.suggestions.queryOptions(input)),
    prefetch(trpc.incidents.postmortem.queryOptions(input)),
    responder ? prefetch(trpc.incidents.formOptions.queryOptions()) : null,
  ]);
  return (
    <HydrateClient>
      <IncidentPage incidentId={id} viewer={{ id: session.user.id, role: session.user.role }} />
    </HydrateClient>
  );
}

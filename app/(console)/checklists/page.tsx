import type { Metadata } from "next";
import { hasRole } from "@/lib/roles";
import { requireSession } from "@/server/auth/require-session";
import { HydrateClient, prefetch, trpc } from "@/server/trpc-rsc";
import { ChecklistsList } from "./checklists-list";

export const metadata: Metadata = { title: "Checklists" };

export default async function ChecklistsPage() {
  const session = await requireSession();
  const lead = hasRole(session.user.role, "lead");
  await Promise.all([
    prefetch(trpc.checklists.list.queryOptions()),
    ...(lead
      ? [prefetch(trpc.checklists.templates.queryOptions()), prefetch(trpc.checklists.people.queryOptions())]
      : []),
  ]);
  return (
    <HydrateClient>
      <ChecklistsList canCreate={lead} viewerId={session.user.id} />
    </HydrateClient>
  );
}

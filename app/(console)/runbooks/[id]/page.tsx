import type { Metadata } from "next";
import { hasRole } from "@/lib/roles";
import { requireSession } from "@/server/auth/require-session";
import { HydrateClient, prefetch, trpc } from "@/server/trpc-rsc";
import { RunbookDetail } from "./runbook-detail";

export const metadata: Metadata = { title: "Runbook" };

export default async function RunbookPage({ params }: { params: Promise<{ id: string }> }) {
  const session = await requireSession();
  const { id: runbookId } = await params;
  await prefetch(trpc.runbooks.get.queryOptions({ runbookId }));
  return (
    <HydrateClient>
      <RunbookDetail runbookId={runbookId} canStart={hasRole(session.user.role, "responder")} />
    </HydrateClient>
  );
}

import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { z } from "zod";
import { hasRole } from "@/lib/roles";
import { requireSession } from "@/server/auth/require-session";
import { HydrateClient, prefetch, trpc } from "@/server/trpc-rsc";
import { ChecklistPage } from "./checklist-page";

export const metadata: Metadata = { title: "Checklist" };

export default async function ChecklistRoute({ params }: { params: Promise<{ checklistId: string }> }) {
  const session = await requireSession();
  const { checklistId } = await params;
  if (!z.uuid().safeParse(checklistId).success) notFound();
  await Promise.all([
    prefetch(trpc.checklists.get.queryOptions({ checklistId })),
    prefetch(trpc.checklists.people.queryOptions()),
  ]);
  return (
    <HydrateClient>
      <ChecklistPage
        checklistId={checklistId}
        viewer={{
          id: session.user.id,
          lead: hasRole(session.user.role, "lead"),
          responder: hasRole(session.user.role, "responder"),
        }}
      />
    </HydrateClient>
  );
}

import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { z } from "zod";
import { requireSession } from "@/server/auth/require-session";
import { HydrateClient, prefetch, trpc } from "@/server/trpc-rsc";
import { ChecklistHistory } from "./checklist-history";

export const metadata: Metadata = { title: "Checklist history" };

export default async function ChecklistHistoryRoute({ params }: { params: Promise<{ checklistId: string }> }) {
  await requireSession();
  const { checklistId } = await params;
  if (!z.uuid().safeParse(checklistId).success) notFound();
  await Promise.all([
    prefetch(trpc.checklists.history.queryOptions({ checklistId })),
    prefetch(trpc.checklists.get.queryOptions({ checklistId })),
  ]);
  return (
    <HydrateClient>
      <ChecklistHistory checklistId={checklistId} />
    </HydrateClient>
  );
}

import type { Metadata } from "next";
import { z } from "zod";
import { notFound } from "next/navigation";
import { requireSession } from "@/server/auth/require-session";
import { HydrateClient, prefetch, trpc } from "@/server/trpc-rsc";
import { RunPage } from "./_components/run-page";

export const metadata: Metadata = { title: "Run" };

export default async function RunRoute({ params }: { params: Promise<{ runId: string }> }) {
  const session = await requireSession();
  const { runId } = await params;
  if (!z.uuid().safeParse(runId).success) notFound();
  await Promise.all([
    prefetch(trpc.runs.get.queryOptions({ runId })),
    prefetch(trpc.runs.history.queryOptions({ runId })),
  ]);
  return (
    <HydrateClient>
      <RunPage runId={runId} viewer={{ id: session.user.id, role: session.user.role }} />
    </HydrateClient>
  );
}

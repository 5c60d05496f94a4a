import type { Metadata } from "next";
import { requireSession } from "@/server/auth/require-session";
import { HydrateClient, prefetch, trpc } from "@/server/trpc-rsc";
import { ReleaseHistory } from "./release-history";

export const metadata: Metadata = { title: "Release history" };

export default async function ServicePage({ params }: { params: Promise<{ name: string }> }) {
  await requireSession();
  const { name } = await params;
  await prefetch(trpc.services.releases.queryOptions({ service: name }));
  return (
    <HydrateClient>
      <ReleaseHistory service={name} />
    </HydrateClient>
  );
}

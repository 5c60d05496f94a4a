import type { Metadata } from "next";
import { requireSession } from "@/server/auth/require-session";
import { HydrateClient, prefetch, trpc } from "@/server/trpc-rsc";
import { ServicesList } from "./services-list";

export const metadata: Metadata = { title: "Services" };

export default async function ServicesPage() {
  await requireSession();
  await prefetch(trpc.services.list.queryOptions());
  return (
    <HydrateClient>
      <ServicesList />
    </HydrateClient>
  );
}

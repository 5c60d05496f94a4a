import type { Metadata } from "next";
import { requireSession } from "@/server/auth/require-session";
import { HydrateClient, prefetch, trpc } from "@/server/trpc-rsc";
import { MyItems } from "./my-items";

export const metadata: Metadata = { title: "My checklist items" };

export default async function MyItemsPage() {
  await requireSession();
  await prefetch(trpc.checklists.myItems.queryOptions());
  return (
    <HydrateClient>
      <MyItems />
    </HydrateClient>
  );
}

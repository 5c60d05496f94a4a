import type { Metadata } from "next";
import { Forbidden } from "@/app/_components/forbidden";
import { hasRole } from "@/lib/roles";
import { requireSession } from "@/server/auth/require-session";
import { HydrateClient, prefetch, trpc } from "@/server/trpc-rsc";
import { InstancesAdmin } from "./instances-admin";

export const metadata: Metadata = { title: "Instances" };

export default async function InstancesPage() {
  const session = await requireSession();
  if (!hasRole(session.user.role, "admin")) return <Forbidden needed="admin" current={session.user.role} />;
  await prefetch(trpc.instances.list.queryOptions());
  return (
    <HydrateClient>
      <InstancesAdmin />
    </HydrateClient>
  );
}

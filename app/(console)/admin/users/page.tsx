import type { Metadata } from "next";
import { Forbidden } from "@/app/_components/forbidden";
import { hasRole } from "@/lib/roles";
import { requireSession } from "@/server/auth/require-session";
import { HydrateClient, prefetch, trpc } from "@/server/trpc-rsc";
import { UsersAdmin } from "./users-admin";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const session = await requireSession();
  if (!hasRole(session.user.role, "admin")) return <Forbidden needed="admin" current={session.user.role} />;
  await prefetch(trpc.users.list.queryOptions());
  return (
    <HydrateClient>
      <UsersAdmin currentUserId={session.user.id} />
    </HydrateClient>
  );
}

import type { Metadata } from "next";
import { Forbidden } from "@/app/_components/forbidden";
import { hasRole } from "@/lib/roles";
import { requireSession } from "@/server/auth/require-session";
import { HydrateClient, prefetch, trpc } from "@/server/trpc-rsc";
import { ApiTokensAdmin } from "./api-tokens-admin";

export const metadata: Metadata = { title: "API tokens" };

export default async function ApiTokensPage() {
  const session = await requireSession();
  if (!hasRole(session.user.role, "admin")) return <Forbidden needed="admin" current={session.user.role} />;
  await prefetch(trpc.apiTokens.list.queryOptions());
  return (
    <HydrateClient>
      <ApiTokensAdmin />
    </HydrateClient>
  );
}

import type { Metadata } from "next";
import { Forbidden } from "@/app/_components/forbidden";
import { hasRole } from "@/lib/roles";
import { requireSession } from "@/server/auth/require-session";
import { HydrateClient, prefetch, trpc } from "@/server/trpc-rsc";
import { SecretsAdmin } from "./secrets-admin";

export const metadata: Metadata = { title: "Secrets" };

export default async function SecretsPage() {
  const session = await requireSession();
  if (!hasRole(session.user.role, "admin")) return <Forbidden needed="admin" current={session.user.role} />;
  await prefetch(trpc.secrets.list.queryOptions());
  return (
    <HydrateClient>
      <SecretsAdmin />
    </HydrateClient>
  );
}

import type { Metadata } from "next";
import { Forbidden } from "@/app/_components/forbidden";
import { hasRole } from "@/lib/roles";
import { requireSession } from "@/server/auth/require-session";
import { HydrateClient, prefetch, trpc } from "@/server/trpc-rsc";
import { DeclareIncidentForm } from "./declare-form";

export const metadata: Metadata = { title: "Declare an incident" };

export default async function DeclareIncidentPage() {
  const session = await requireSession();
  if (!hasRole(session.user.role, "responder")) return <Forbidden needed="responder" current={session.user.role} />;
  await prefetch(trpc.incidents.formOptions.queryOptions());
  return (
    <HydrateClient>
      <DeclareIncidentForm viewerId={session.user.id} />
    </HydrateClient>
  );
}

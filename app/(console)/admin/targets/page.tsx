import type { Metadata } from "next";
import { Forbidden } from "@/app/_components/forbidden";
import { hasRole } from "@/lib/roles";
import { requireSession } from "@/server/auth/require-session";
import { HydrateClient, prefetch, trpc } from "@/server/trpc-rsc";
import { DemoPanel } from "./demo-panel";
import { TargetsAdmin } from "./targets-admin";
import { TargetsFileBanner } from "./targets-file-banner";

export const metadata: Metadata = { title: "Targets" };

export default async function TargetsPage() {
  const session = await requireSession();
  if (!hasRole(session.user.role, "admin")) return <Forbidden needed="admin" current={session.user.role} />;
  await Promise.all([
    prefetch(trpc.targets.list.queryOptions()),
    prefetch(trpc.targets.kinds.queryOptions()),
    prefetch(trpc.targets.fileStatus.queryOptions()),
    prefetch(trpc.demo.status.queryOptions()),
  ]);
  return (
    <HydrateClient>
      <TargetsAdmin banner={<TargetsFileBanner />} demoPanel={<DemoPanel />} />
    </HydrateClient>
  );
}

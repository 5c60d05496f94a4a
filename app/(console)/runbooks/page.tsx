import type { Metadata } from "next";
import { hasRole } from "@/lib/roles";
import { requireSession } from "@/server/auth/require-session";
import { HydrateClient, prefetch, trpc } from "@/server/trpc-rsc";
import { InvalidFilesBanner } from "./invalid-files-banner";
import { RunbookCatalog } from "./runbook-catalog";

export const metadata: Metadata = { title: "Runbooks" };

export default async function RunbooksPage() {
  const session = await requireSession();
  const isAdmin = hasRole(session.user.role, "admin");
  await prefetch(trpc.runbooks.list.queryOptions());
  if (isAdmin) await prefetch(trpc.runbooks.fileProblems.queryOptions());
  return (
    <HydrateClient>
      <div className="page-header">
        <div>
          <h1>Runbooks</h1>
          <p>Step-by-step procedures. Open one to see exactly what it asks for and what it will do before you start.</p>
        </div>
      </div>
      <div className="stack">
        {isAdmin ? <InvalidFilesBanner /> : null}
        <RunbookCatalog />
      </div>
    </HydrateClient>
  );
}

import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Forbidden } from "@/app/_components/forbidden";
import { hasRole } from "@/lib/roles";
import { requireSession } from "@/server/auth/require-session";
import { getDb } from "@/server/db";
import { getStartableRunbook } from "@/server/runs/startable-runbook";
import { refOptions } from "@/server/targets/catalog";
import { StartRunForm } from "./start-run-form";

export const metadata: Metadata = { title: "Start a run" };

export default async function StartRunPage({ params }: { params: Promise<{ id: string }> }) {
  const session = await requireSession();
  if (!hasRole(session.user.role, "responder")) return <Forbidden needed="responder" current={session.user.role} />;
  const db = await getDb();
  const runbook = await getStartableRunbook(db, (await params).id);
  if (!runbook) notFound();
  return <StartRunForm runbook={runbook} refOptions={await refOptions(db)} />;
}

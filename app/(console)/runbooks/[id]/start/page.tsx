import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Forbidden } from "@/app/_components/forbidden";
import { hasRole } from "@/lib/roles";
import { requireSession } from "@/server/auth/require-session";
import { z } from "zod";
import { getDb } from "@/server/db";
import { incidentLinkOf, listIncidents } from "@/server/incidents/queries";
import { restartValuesOf } from "@/server/runs/restart-values";
import { getStartableRunbook } from "@/server/runs/startable-runbook";
import { refOptions } from "@/server/targets/catalog";
import { StartRunForm } from "./start-run-form";

export const metadata: Metadata = { title: "Start a run" };

export default async function StartRunPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const session = await requireSession();
  if (!hasRole(session.user.role, "responder")) return <Forbidden needed="responder" current={session.user.role} />;
  const db = await getDb();
  const runbook = await getStartableRunbook(db, (await params).id);
  if (!runbook) notFound();
  const query = await searchParams;
  // Started again from an earlier run (refused or cancelled): its inputs fill the form, secrets excepted.
  const restart = isUuid(query.from) ? await restartValuesOf(db, query.from, runbook.id) : null;
  // Opened from an incident's suggestions: the run is started inside it (the server checks it is still open).
  const incidentId = isUuid(query.incident) ? query.incident : (restart?.incidentId ?? null);
  const incident = incidentId ? await incidentLinkOf(db, incidentId) : null;
  // Opened from an incident's suggestion: `input.<name>=<value>` fills that input (a secret never).
  const prefill = Object.fromEntries(
    runbook.inputs.flatMap((input) => {
      const value = query[`input.${input.name}`];
      return input.type !== "secret" && typeof value === "string" && value.length <= 200 ? [[input.name, value]] : [];
    }),
  );
  const open = (await listIncidents(db, { status: "active", limit: 50 })).map(({ id, number, title }) => ({
    id,
    number,
    title,
  }));
  // The incident it came from stays choosable even if it is no longer open (the server then says so).
  const openIncidents =
    incident && !open.some((o) => o.id === incident.id)
      ? [{ id: incident.id, number: incident.number, title: incident.title }, ...open]
      : open;
  return (
    <StartRunForm
      runbook={runbook}
      refOptions={await refOptions(db)}
      incident={incident}
      restart={restart}
      prefill={prefill}
      openIncidents={openIncidents}
    />
  );
}

function isUuid(value: string | string[] | undefined): value is string {
  return typeof value === "string" && z.uuid().safeParse(value).success;
}

import { eq } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { runbooks, runbookVersions } from "@/db/schema";
import { listRunbooks } from "../runbooks/queries";
import { listTargets } from "../targets/catalog";
import { findIncident } from "./queries";

/** A runbook input that takes a service target, and the incident's service it would be given. */
export type ServiceInputMatch = { input: string; label: string; service: string };

/**
 * Runbooks that fit an incident: those sharing a service or a tag with it, and those with an input
 * that takes one of its services (a `ref` input of target `service`: rollback for demo-web), most
 * matches first (services count double: they say what is broken, tags only what kind of trouble).
 */
export async function suggestRunbooks(db: Queryable, incidentId: string) {
  const incident = await findIncident(db, incidentId);
  const services = new Set(incident.services);
  const tags = new Set(incident.tags);
  const configured = new Set((await listTargets(db, "service")).map((t) => t.name));
  const startable = incident.services.filter((s) => configured.has(s));
  const serviceInputs = await serviceInputsByRunbook(db);
  return (await listRunbooks(db))
    .map((runbook) => {
      const matchedServices = runbook.services.filter((s) => services.has(s));
      const matchedTags = runbook.tags.filter((t) => tags.has(t));
      // One input per runbook is enough to start it for the incident's first configured service.
      const input = serviceInputs.get(runbook.id)?.[0];
      const matchedInputs: ServiceInputMatch[] =
        input && startable[0] ? [{ input: input.name, label: input.label, service: startable[0] }] : [];
      const inputScore = matchedInputs.length > 0 && matchedServices.length === 0 ? 2 : 0;
      return {
        ...runbook,
        matchedServices,
        matchedTags,
        matchedInputs,
        score: matchedServices.length * 2 + matchedTags.length + inputScore,
      };
    })
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score || a.title.localeCompare(b.title))
    .map(({ score: _score, ...runbook }) => runbook);
}

/** The inputs of each runbook's current version that take a service target. */
async function serviceInputsByRunbook(db: Queryable): Promise<Map<string, { name: string; label: string }[]>> {
  const rows = await db
    .select({ id: runbooks.id, definition: runbookVersions.definition })
    .from(runbooks)
    .innerJoin(runbookVersions, eq(runbookVersions.id, runbooks.currentVersionId));
  return new Map(
    rows.map((row) => [
      row.id,
      row.definition.inputs
        .filter((i) => i.type === "ref" && i.target === "service")
        .map((i) => ({ name: i.name, label: i.label })),
    ]),
  );
}

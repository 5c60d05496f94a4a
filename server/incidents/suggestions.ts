import type { Queryable } from "@/db/client";
import { listRunbooks } from "../runbooks/queries";
import { findIncident } from "./queries";

/**
 * Runbooks that fit an incident: those sharing a service or a tag with it, most matches first
 * (services count double: they say what is broken, tags only what kind of trouble it is).
 */
export async function suggestRunbooks(db: Queryable, incidentId: string) {
  const incident = await findIncident(db, incidentId);
  const services = new Set(incident.services);
  const tags = new Set(incident.tags);
  return (await listRunbooks(db))
    .map((runbook) => {
      const matchedServices = runbook.services.filter((s) => services.has(s));
      const matchedTags = runbook.tags.filter((t) => tags.has(t));
      return { ...runbook, matchedServices, matchedTags, score: matchedServices.length * 2 + matchedTags.length };
    })
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score || a.title.localeCompare(b.title))
    .map(({ score: _score, ...runbook }) => runbook);
}

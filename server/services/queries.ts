import type { Queryable } from "@/db/client";
import { listTargets } from "../targets/catalog";
import { readServiceHistory } from "./service-history";

export async function listServices(db: Queryable) {
  return (await listTargets(db, "service")).map((t) => ({
    name: t.name,
    description: t.description,
    summary: t.summary,
    source: t.source,
  }));
}

/** The release history as the service page shows it; a repository that cannot be read is said so, not hidden. */
export async function serviceReleases(db: Queryable, name: string) {
  const history = await readServiceHistory(db, name);
  return {
    name: history.name,
    environment: history.config.environment,
    strategy: history.config.rollback.strategy,
    deployRepository: history.config.deployRepository ?? null,
    branch: history.config.branch,
    healthUrl: history.config.health.url,
    releases: history.releases.map((r, index) => ({
      ...r,
      deployedAt: r.deployedAt.toISOString(),
      current: index === 0,
    })),
  };
}

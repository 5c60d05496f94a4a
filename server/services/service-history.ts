import type { Queryable } from "@/db/client";
import { GitError, readBranch, readCommits, type GitCall, type GitCommit } from "../connectors/git";
import { AppError } from "../errors";
import { getTargetConfig } from "../targets/catalog";
import { mergeReleases, recordedReleases, type Release } from "./releases";
import type { ServiceConfig } from "./service-kind";

export type ServiceHistory = { name: string; config: ServiceConfig; releases: Release[] };

/** A service's validated configuration; an unknown or misconfigured one is an error naming `field`. */
export async function getService(
  db: Queryable,
  name: string,
  field = "service",
): Promise<{ name: string; config: ServiceConfig }> {
  const { config } = await getTargetConfig<ServiceConfig>(db, "service", name, field);
  return { name, config };
}

/** A deploy repository that cannot be read is the deployRepository field's problem. */
export function repositoryError(config: ServiceConfig, error: unknown): AppError {
  const message = error instanceof GitError ? error.message : String(error);
  return AppError.field(
    "deployRepository",
    `Could not read ${config.branch} of the deploy repository ${config.deployRepository}: ${message}`,
    "BAD_GATEWAY",
  );
}

/** Reads the deploy repository's branch (through a temporary bare clone) and hands its commits over. */
export async function withDeployCommits<T>(
  config: ServiceConfig,
  call: GitCall,
  read: (gitDir: string, commits: GitCommit[]) => Promise<T>,
): Promise<T> {
  if (!config.deployRepository) throw AppError.field("deployRepository", "This service has no deploy repository.");
  let opened = false;
  try {
    return await readBranch(config.deployRepository, config.branch, call, async (gitDir) => {
      opened = true;
      return read(gitDir, await readCommits(gitDir, config.branch, call));
    });
  } catch (error) {
    if (!opened) throw repositoryError(config, error);
    throw error;
  }
}

/** The service's release history: recorded releases, and its deploy repository's branch when it has one. */
export async function readServiceHistory(db: Queryable, name: string, call: GitCall = {}): Promise<ServiceHistory> {
  const { config } = await getService(db, name);
  const recorded = await recordedReleases(db, name);
  if (!config.deployRepository) return { name, config, releases: recorded };
  return withDeployCommits(config, call, async (_gitDir, commits) => ({
    name,
    config,
    releases: mergeReleases(recorded, commits),
  }));
}

import { desc, eq } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { deployments, type ReleaseSource } from "@/db/schema";
import type { GitCommit } from "../connectors/git";
import { AppError } from "../errors";

/** One release of a service, from the recorded history or from its deploy repository. */
export type Release = {
  version: string;
  commit: string | null;
  description: string;
  deployedAt: Date;
  source: ReleaseSource;
  /** Set on a rollback's commit: the release it undid (known bad, never "the previous release"). */
  rolledBackFrom: string | null;
};

/** Commit trailer that names the release a deploy-repository commit puts in place. */
export const RELEASE_TRAILER = "Release-Version";
/** Commit trailer of Keel's revert commits: the release that was rolled back. */
export const ROLLED_BACK_FROM_TRAILER = "Keel-Rolled-Back-From";

export async function recordedReleases(db: Queryable, service: string): Promise<Release[]> {
  const rows = await db
    .select()
    .from(deployments)
    .where(eq(deployments.service, service))
    .orderBy(desc(deployments.deployedAt), desc(deployments.createdAt))
    .limit(200);
  return rows.map((r) => ({
    version: r.version,
    commit: r.commit,
    description: r.description,
    deployedAt: r.deployedAt,
    source: r.source,
    rolledBackFrom: null,
  }));
}

/** A deploy-repository commit as a release: its Release-Version trailer, or its short sha. */
export function releaseOfCommit(commit: GitCommit): Release {
  return {
    version: commit.trailers[RELEASE_TRAILER] ?? commit.sha.slice(0, 12),
    commit: commit.sha,
    description: commit.subject,
    deployedAt: commit.committedAt,
    source: "git",
    rolledBackFrom: commit.trailers[ROLLED_BACK_FROM_TRAILER] ?? null,
  };
}

export function sameCommit(a: string | null, b: string | null): boolean {
  if (!a || !b) return false;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.length >= 7 && long.startsWith(short);
}

/**
 * The release history, newest first. For a service with a deploy repository the branch's order
 * is the truth: each commit is a release, described by a recorded row with the same commit when
 * there is one; recorded releases without a commit on the branch follow by date.
 */
export function mergeReleases(recorded: Release[], commits: GitCommit[] | null): Release[] {
  if (!commits) return recorded;
  const onBranch = commits.map((commit) => {
    const fromGit = releaseOfCommit(commit);
    const row = recorded.find((r) => sameCommit(r.commit, commit.sha));
    return row ? { ...row, rolledBackFrom: fromGit.rolledBackFrom } : fromGit;
  });
  const elsewhere = recorded.filter((r) => !commits.some((c) => sameCommit(r.commit, c.sha)));
  return [...onBranch, ...elsewhere];
}

/**
 * The release `wanted` names: "previous" (or empty) is the newest release older than the current
 * one with another version that no later rollback undid (after rolling back from v3 to v2, the
 * previous release of v2 is v1, not v3); otherwise a version, or a commit (7+ hex characters).
 */
export function resolveRelease(service: string, releases: Release[], wanted: string | null | undefined): Release {
  const current = releases[0];
  if (!current)
    throw AppError.field(
      "release",
      `${service} has no releases yet: record one through the API or push to its deploy repository.`,
      "NOT_FOUND",
    );
  const name = (wanted ?? "").trim();
  if (name === "" || name === "previous") {
    const avoid = new Set([current.version, ...(current.rolledBackFrom ? [current.rolledBackFrom] : [])]);
    let previous: Release | undefined;
    for (const release of releases.slice(1)) {
      if (!avoid.has(release.version)) {
        previous = release;
        break;
      }
      if (release.rolledBackFrom) avoid.add(release.rolledBackFrom);
    }
    if (!previous)
      throw AppError.field(
        "release",
        `${service} has no release before ${current.version} to roll back to.`,
        "NOT_FOUND",
      );
    return previous;
  }
  const byVersion = releases.find((r) => r.version === name);
  if (byVersion) return byVersion;
  if (/^[0-9a-f]{7,40}$/i.test(name)) {
    const byCommit = releases.find((r) => sameCommit(r.commit, name.toLowerCase()));
    if (byCommit) return byCommit;
  }
  const known = releases
    .slice(0, 8)
    .map((r) => r.version)
    .join(", ");
  throw AppError.field("release", `${service} has no release "${name}". Recent releases: ${known}.`, "NOT_FOUND");
}

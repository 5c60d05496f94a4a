import { describe, expect, it } from "vitest";
import type { GitCommit } from "../connectors/git";
import { mergeReleases, resolveRelease, type Release } from "./releases";

const commit = (sha: string, version: string | null, subject = `Release ${version}`): GitCommit => ({
  sha: sha.padEnd(40, "0"),
  parents: [],
  subject,
  body: "",
  authorName: "t",
  committedAt: new Date("2026-11-30T10:00:00Z"),
  trailers: version ? { "Release-Version": version } : {},
});

const recorded = (version: string, commitSha: string | null, at: string): Release => ({
  version,
  commit: commitSha,
  description: "",
  deployedAt: new Date(at),
  source: "api",
  rolledBackFrom: null,
});

describe("release history", () => {
  const commits = [commit("ccc3", "v3"), commit("bbb2", "v2"), commit("aaa1", null, "Initial")];

  it("follows the branch, describing a commit by its recorded release when there is one", () => {
    const releases = mergeReleases(
      [recorded("v2-ci", "bbb2000", "2026-11-30T11:00:00Z"), recorded("other", null, "2026-11-29T00:00:00Z")],
      commits,
    );
    expect(releases.map((r) => `${r.version}:${r.source}`)).toEqual([
      "v3:git",
      "v2-ci:api",
      "aaa100000000:git",
      "other:api",
    ]);
  });

  it("resolves previous, a version or a commit, and names the field otherwise", () => {
    const releases = mergeReleases([], commits);
    expect(resolveRelease("web", releases, "previous").version).toBe("v2");
    expect(resolveRelease("web", releases, "").version).toBe("v2");
    expect(resolveRelease("web", releases, "v3").version).toBe("v3");
    expect(resolveRelease("web", releases, "aaa1000").version).toBe("aaa100000000");
    expect(() => resolveRelease("web", releases, "v9")).toThrow(
      'web has no release "v9". Recent releases: v3, v2, aaa100000000.',
    );
    expect(() => resolveRelease("web", releases, "v9")).toThrow(
      expect.objectContaining({ details: { fields: { release: expect.any(String) } } }),
    );
    expect(() => resolveRelease("web", [], "previous")).toThrow(/no releases yet/);
    expect(() => resolveRelease("web", releases.slice(0, 1), "previous")).toThrow(/no release before v3/);
  });

  it("skips releases of the same version, and releases a rollback undid, when looking for the previous one", () => {
    expect(resolveRelease("web", mergeReleases([], [commit("ddd4", "v3"), ...commits]), "previous").version).toBe("v2");
    const rolledBack = {
      ...commit("eee5", "v2", "Roll back web to v2"),
      trailers: { "Release-Version": "v2", "Keel-Rolled-Back-From": "v3" },
    };
    const releases = mergeReleases([recorded("v2", "eee5000", "2026-11-30T12:00:00Z")], [rolledBack, ...commits]);
    expect(releases[0]).toMatchObject({ version: "v2", source: "api", rolledBackFrom: "v3" });
    expect(resolveRelease("web", releases, "previous").version).toBe("aaa100000000");
  });
});

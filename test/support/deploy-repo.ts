import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { git, readCommits, withWorkTree, type GitCommit } from "../../server/connectors/git";

const IDENTITY = { name: "Test Deployer", email: "deployer@example.test" };

export type TestRelease = { version: string; healthy?: boolean };

/**
 * A real bare deploy repository in a temp dir, whose `main` has one commit per release, each
 * writing release.json and carrying a Release-Version trailer.
 */
export async function createDeployRepository(
  releases: TestRelease[],
  root = mkdtempSync(path.join(os.tmpdir(), "keel-deploy-")),
): Promise<{ root: string; bare: string; remove(): void }> {
  mkdirSync(root, { recursive: true });
  const bare = path.join(root, "deploy.git");
  await git(["init", "--quiet", "--bare", "--initial-branch=main", bare], { cwd: root });
  const seed = path.join(root, "seed");
  await git(["init", "--quiet", "--initial-branch=main", seed], { cwd: root });
  for (const release of releases) await commitRelease(seed, release);
  await git(["remote", "add", "origin", bare], { cwd: seed });
  await git(["push", "--quiet", "origin", "main"], { cwd: seed });
  rmSync(seed, { recursive: true, force: true });
  return { root, bare, remove: () => rmSync(root, { recursive: true, force: true }) };
}

async function commitRelease(tree: string, release: TestRelease): Promise<void> {
  writeFileSync(
    path.join(tree, "release.json"),
    `${JSON.stringify({ version: release.version, healthy: release.healthy ?? true }, null, 2)}\n`,
  );
  await git(["add", "release.json"], { cwd: tree });
  await git(
    ["commit", "--quiet", "-m", `Release ${release.version}`, "--trailer", `Release-Version: ${release.version}`],
    { cwd: tree, identity: IDENTITY },
  );
}

/** Pushes one more release on top of main (someone deploying meanwhile). */
export async function pushRelease(bare: string, release: TestRelease): Promise<void> {
  await withWorkTree(bare, "main", {}, async (tree) => {
    await commitRelease(tree, release);
    await git(["push", "--quiet", "origin", "HEAD:refs/heads/main"], { cwd: tree });
  });
}

/** main of the bare repository, newest first. */
export async function commitsOf(bare: string): Promise<GitCommit[]> {
  return readCommits(bare, "main");
}

export async function fileAtHead(bare: string, file: string): Promise<string> {
  return (await git(["show", `main:${file}`], { cwd: bare })).join("\n");
}

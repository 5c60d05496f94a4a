import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { commitsOf, createDeployRepository } from "@/test/support/deploy-repo";
import {
  checkRepositoryLocation,
  commitStaged,
  findCommitWithTrailer,
  git,
  GitError,
  pushHead,
  resolveGit,
  revertCommits,
  withWorkTree,
} from "./git";

const repos: { remove(): void }[] = [];
afterAll(() => repos.forEach((r) => r.remove()));

describe("the git connector", () => {
  it("runs the git binary by its absolute path", () => {
    expect(path.isAbsolute(resolveGit())).toBe(true);
  });

  it("accepts local paths and file/https/ssh URLs without a password, nothing else", () => {
    expect(checkRepositoryLocation("/srv/deploy/web.git")).toBeNull();
    expect(checkRepositoryLocation("https://git.example.com/deploy/web.git")).toBeNull();
    expect(checkRepositoryLocation("ssh://git@git.example.com/deploy/web.git")).toBeNull();
    expect(checkRepositoryLocation("https://user:hunter2@git.example.com/web.git")).toMatch(/password/);
    expect(checkRepositoryLocation("relative/path")).toMatch(/absolute path/);
    expect(checkRepositoryLocation("ext::sh -c touch% /tmp/pwned")).toMatch(/absolute path/);
  });

  it("reverts, commits with the caller's identity and trailers, and pushes from a work tree it removes afterwards", async () => {
    const repo = await createDeployRepository([{ version: "v1" }, { version: "v2" }]);
    repos.push(repo);
    const [v2] = await commitsOf(repo.bare);
    const lines: string[] = [];
    let tree = "";
    const sha = await withWorkTree(repo.bare, "main", {}, async (dir) => {
      tree = dir;
      await revertCommits(dir, [v2!.sha]);
      const committed = await commitStaged(
        dir,
        ["Undo v2"],
        { "Keel-Idempotency-Key": "key-1" },
        { identity: { name: "Keel (run r1)", email: "keel@localhost" } },
      );
      await pushHead(dir, "main", { onLine: (l) => lines.push(l) });
      return committed;
    });
    expect(existsSync(tree)).toBe(false);
    const [head] = await commitsOf(repo.bare);
    expect(head).toMatchObject({
      sha,
      subject: "Undo v2",
      authorName: "Keel (run r1)",
      trailers: { "Keel-Idempotency-Key": "key-1" },
    });
    expect(await findCommitWithTrailer(repo.bare, "main", "Keel-Idempotency-Key", "key-1")).toBe(sha);
    expect(await findCommitWithTrailer(repo.bare, "main", "Keel-Idempotency-Key", "key-2")).toBeNull();
  });

  it("removes the work tree when the work fails, and names the failing git command", async () => {
    const repo = await createDeployRepository([{ version: "v1" }]);
    repos.push(repo);
    let tree = "";
    const failure = await withWorkTree(repo.bare, "main", {}, async (dir) => {
      tree = dir;
      await git(["revert", "--no-commit", "0".repeat(40)], { cwd: dir });
    }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(GitError);
    expect((failure as Error).message).toMatch(/^git revert failed: /);
    expect(existsSync(tree)).toBe(false);
    await expect(withWorkTree(repo.bare, "no-such-branch", {}, async () => "never")).rejects.toThrow(
      /^git clone failed/,
    );
  });
});

import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CommandError, runCommand } from "./command";

/**
 * Git through the git binary: no shell, arguments as an array, a timeout per call, and every
 * change made in a temporary work tree that is removed afterwards, so a deploy repository is
 * only ever changed by a push.
 */

export type GitIdentity = { name: string; email: string };

export type GitCall = {
  /** The directory git runs in (a temporary work tree or bare clone). */
  cwd?: string;
  identity?: GitIdentity;
  onLine?: (line: string) => void;
  signal?: AbortSignal;
  timeoutSeconds?: number;
};

export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GitError";
  }
}

let gitExecutable: string | null = null;

/** The absolute path of git, found once on PATH; a clear error when it is not installed. */
export function resolveGit(): string {
  if (gitExecutable) return gitExecutable;
  for (const dir of (process.env.PATH ?? "/usr/bin:/bin").split(path.delimiter)) {
    if (!path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, "git");
    try {
      accessSync(candidate, constants.X_OK);
      gitExecutable = candidate;
      return candidate;
    } catch {
      // not here; try the next directory
    }
  }
  throw new GitError("git is not installed on this server (not found on PATH)");
}

/** A repository Keel may reach: an absolute local path, file://, https:// or ssh://, never with a password in it. */
export function checkRepositoryLocation(location: string): string | null {
  if (path.isAbsolute(location)) return null;
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return "use an absolute path or a file://, https:// or ssh:// URL";
  }
  if (!["file:", "https:", "ssh:"].includes(url.protocol))
    return "use an absolute path or a file://, https:// or ssh:// URL";
  if (url.password) return "do not put a password in the repository URL";
  return null;
}

function environment(identity: GitIdentity | undefined, home: string): Record<string, string> {
  return {
    // No user or system configuration, no prompts: the same behaviour on every server.
    HOME: home,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_TERMINAL_PROMPT: "0",
    GIT_ALLOW_PROTOCOL: "file:https:ssh",
    ...(identity
      ? {
          GIT_AUTHOR_NAME: identity.name,
          GIT_AUTHOR_EMAIL: identity.email,
          GIT_COMMITTER_NAME: identity.name,
          GIT_COMMITTER_EMAIL: identity.email,
        }
      : {}),
  };
}

/** Runs git with `args`; returns stdout lines, and fails naming the git command and its last error line. */
export async function git(args: string[], call: GitCall = {}): Promise<string[]> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const timeoutSeconds = call.timeoutSeconds ?? 120;
  let result;
  try {
    result = await runCommand(
      { executable: resolveGit(), args, timeoutSeconds },
      {
        cwd: call.cwd,
        env: environment(call.identity, call.cwd ?? os.tmpdir()),
        signal: call.signal,
        onLine: (line, stream) => {
          (stream === "stdout" ? stdout : stderr).push(line);
          if (stream === "stderr" && line.trim()) call.onLine?.(line);
        },
      },
    );
  } catch (error) {
    throw new GitError(error instanceof CommandError ? error.message : String(error));
  }
  if (result.timedOut) throw new GitError(`git ${args[0]} did not finish within ${timeoutSeconds}s`);
  if (result.exitCode !== 0) {
    const last = stderr
      .filter((l) => l.trim())
      .slice(-2)
      .join(" ")
      .trim();
    throw new GitError(`git ${args[0]} failed${last ? `: ${last}` : ` (exit ${result.exitCode ?? result.signal})`}`);
  }
  return stdout;
}

/** Runs `work` in a fresh temporary directory that is always removed afterwards. */
export async function inTemporaryDirectory<T>(prefix: string, work: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `keel-${prefix}-`));
  try {
    return await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Clones one branch of `repository` into a temporary work tree, runs `work` in it, then removes it. */
export async function withWorkTree<T>(
  repository: string,
  branch: string,
  call: GitCall,
  work: (dir: string) => Promise<T>,
): Promise<T> {
  return inTemporaryDirectory("worktree", async (dir) => {
    const tree = path.join(dir, "tree");
    await git(["clone", "--quiet", "--single-branch", "--branch", branch, "--", repository, tree], {
      ...call,
      cwd: dir,
    });
    return work(tree);
  });
}

export type GitCommit = {
  sha: string;
  parents: string[];
  subject: string;
  body: string;
  authorName: string;
  committedAt: Date;
  trailers: Record<string, string>;
};

const FIELD = "\x1f";
const RECORD = "\x1e";

/** The commits of `ref` in a work tree or bare clone, newest first. */
export async function readCommits(
  cwd: string,
  ref: string,
  call: GitCall & { maxCount?: number; range?: string } = {},
): Promise<GitCommit[]> {
  const lines = await git(
    [
      "log",
      `--max-count=${call.maxCount ?? 200}`,
      `--format=%H${FIELD}%P${FIELD}%an${FIELD}%cI${FIELD}%s${FIELD}%b${RECORD}`,
      call.range ?? ref,
      "--",
    ],
    { ...call, cwd },
  );
  return lines
    .join("\n")
    .split(RECORD)
    .map((chunk) => chunk.replace(/^\n/, ""))
    .filter((chunk) => chunk.includes(FIELD))
    .map((chunk) => {
      const [sha, parents, authorName, committedAt, subject, body] = chunk.split(FIELD) as [
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      return {
        sha,
        parents: parents.split(" ").filter(Boolean),
        authorName,
        committedAt: new Date(committedAt),
        subject,
        body: body.trim(),
        trailers: parseTrailers(body),
      };
    });
}

/** "Key: value" lines of a commit message's last paragraph (git's trailer convention). */
export function parseTrailers(body: string): Record<string, string> {
  const paragraphs = body.trim().split(/\n\s*\n/);
  const last = paragraphs[paragraphs.length - 1] ?? "";
  const trailers: Record<string, string> = {};
  for (const line of last.split("\n")) {
    const match = /^([A-Za-z][A-Za-z0-9-]*):\s*(.+)$/.exec(line.trim());
    if (match) trailers[match[1]!] = match[2]!.trim();
  }
  return trailers;
}

/** Reads one branch of a repository through a temporary bare clone (which is removed). */
export async function readBranch<T>(
  repository: string,
  branch: string,
  call: GitCall,
  read: (gitDir: string) => Promise<T>,
): Promise<T> {
  return inTemporaryDirectory("read", async (dir) => {
    const bare = path.join(dir, "repo.git");
    await git(["clone", "--quiet", "--bare", "--single-branch", "--branch", branch, "--", repository, bare], {
      ...call,
      cwd: dir,
    });
    return read(bare);
  });
}

/** Reverts `commits` (newest first) in the work tree's index, without committing yet. */
export async function revertCommits(tree: string, commits: string[], call: GitCall = {}): Promise<void> {
  if (commits.length === 0) throw new GitError("nothing to revert");
  await git(["revert", "--no-commit", "--", ...commits], { ...call, cwd: tree });
}

/** Commits what is staged with `paragraphs` as the message and `trailers` at its end; returns the new sha. */
export async function commitStaged(
  tree: string,
  paragraphs: string[],
  trailers: Record<string, string>,
  call: GitCall & { identity: GitIdentity },
): Promise<string> {
  const args = ["commit", "--quiet", "--no-verify", ...paragraphs.flatMap((p) => ["-m", p])];
  for (const [key, value] of Object.entries(trailers)) args.push("--trailer", `${key}: ${value}`);
  await git(args, { ...call, cwd: tree });
  const [sha] = await git(["rev-parse", "HEAD"], { ...call, cwd: tree });
  return sha!.trim();
}

/** Pushes HEAD to `branch` of origin; a branch that moved meanwhile is refused by git (no force). */
export async function pushHead(tree: string, branch: string, call: GitCall = {}): Promise<void> {
  try {
    await git(["push", "--quiet", "origin", `HEAD:refs/heads/${branch}`], { ...call, cwd: tree });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/rejected|non-fast-forward|fetch first/.test(message))
      throw new GitError(
        `the push to ${branch} was refused because the branch moved meanwhile; retry the step to plan again (${message})`,
      );
    throw error;
  }
}

/** The tree (content) of a commit: two commits with the same tree deploy the same thing. */
export async function treeOf(cwd: string, ref: string, call: GitCall = {}): Promise<string> {
  const [tree] = await git(["rev-parse", "--verify", `${ref}^{tree}`], { ...call, cwd });
  return tree!.trim();
}

/** Whether `ancestor` is reachable from `ref`. */
export async function isAncestor(cwd: string, ancestor: string, ref: string, call: GitCall = {}): Promise<boolean> {
  try {
    await git(["merge-base", "--is-ancestor", ancestor, ref], { ...call, cwd });
    return true;
  } catch {
    return false;
  }
}

/** The newest commit on `ref` whose message has the trailer `key: value`, or null. */
export async function findCommitWithTrailer(
  cwd: string,
  ref: string,
  key: string,
  value: string,
  call: GitCall = {},
): Promise<string | null> {
  const lines = await git(
    ["log", "--max-count=500", "--fixed-strings", `--grep=${key}: ${value}`, "--format=%H", ref, "--"],
    { ...call, cwd },
  );
  return lines.find((l) => /^[0-9a-f]{40}$/.test(l.trim()))?.trim() ?? null;
}

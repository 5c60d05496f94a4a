import type { Queryable } from "@/db/client";
import type { Plan } from "@/db/schema";
import {
  commitStaged,
  findCommitWithTrailer,
  isAncestor,
  pushHead,
  readCommits,
  revertCommits,
  treeOf,
  withWorkTree,
  type GitCall,
  type GitCommit,
} from "../connectors/git";
import { httpRequest } from "../connectors/http";
import { AppError } from "../errors";
import { readSecretValue } from "../secrets/store";
import { RELEASE_TRAILER, mergeReleases, recordedReleases, resolveRelease, type Release } from "./releases";
import { getService, repositoryError, withDeployCommits } from "./service-history";
import { checkServiceUrl, httpPolicyOf, unreachable } from "./service-urls";
import type { ServiceConfig } from "./service-kind";

export type RollbackRequest = { service: string; release?: string | null; reason: string };

type Common = { service: string; environment: ServiceConfig["environment"]; from: Release | null; to: Release };
export type GitRollbackPlan = Common & {
  strategy: "git";
  repository: string;
  branch: string;
  revert: GitCommit[];
  alreadyAtTarget: boolean;
};
export type HttpRollbackPlan = Common & {
  strategy: "http";
  method: string;
  url: string;
  secretHeader: { name: string; secret: string } | null;
};
export type RollbackPlan = GitRollbackPlan | HttpRollbackPlan;

export type RollbackOutcome = {
  strategy: "git" | "http";
  fromVersion: string | null;
  toVersion: string;
  toCommit: string | null;
  toDescription: string;
  /** git: the revert commit now on the branch (null when the branch already deployed the release). */
  revertCommit: string | null;
  revertedCommits: string[];
  /** True when an earlier attempt had already done it (nothing was changed this time). */
  alreadyDone: boolean;
  httpStatus?: number;
};

export const IDEMPOTENCY_TRAILER = "Keel-Idempotency-Key";
const FROM_TRAILER = "Keel-Rolled-Back-From";
const REVERTED_TRAILER = "Keel-Reverted";

/** Which commits to revert so that the branch deploys `wanted` again, read from a clone of the deploy repository. */
async function gitPlanIn(
  gitDir: string,
  ref: string,
  name: string,
  config: ServiceConfig,
  recorded: Release[],
  commits: GitCommit[],
  wanted: string | null | undefined,
  call: GitCall,
): Promise<GitRollbackPlan> {
  const releases = mergeReleases(recorded, commits);
  const to = resolveRelease(name, releases, wanted);
  if (!to.commit)
    throw AppError.field(
      "release",
      `Release ${to.version} of ${name} has no commit; the git strategy reverts commits, so it needs one.`,
    );
  if (!(await isAncestor(gitDir, to.commit, ref, call))) {
    throw AppError.field(
      "release",
      `Release ${to.version} (${to.commit.slice(0, 12)}) is not on ${config.branch} of the deploy repository, so it cannot be reached by reverting.`,
    );
  }
  const alreadyAtTarget = (await treeOf(gitDir, ref, call)) === (await treeOf(gitDir, to.commit, call));
  const revert = alreadyAtTarget
    ? []
    : await readCommits(gitDir, ref, { ...call, range: `${to.commit}..${ref}`, maxCount: 100 });
  const merge = revert.find((c) => c.parents.length > 1);
  if (merge)
    throw AppError.field(
      "release",
      `Commit ${merge.sha.slice(0, 12)} ("${merge.subject}") between ${to.version} and now is a merge; revert it by hand.`,
    );
  return {
    strategy: "git",
    service: name,
    environment: config.environment,
    repository: config.deployRepository!,
    branch: config.branch,
    from: releases[0] ?? null,
    to,
    revert,
    alreadyAtTarget,
  };
}

/** Works out the rollback without changing anything: from which release to which, and how. */
export async function planRollback(db: Queryable, request: RollbackRequest, call: GitCall = {}): Promise<RollbackPlan> {
  const { name, config } = await getService(db, request.service);
  const recorded = await recordedReleases(db, name);
  checkServiceUrl(config, "health.url", config.health.url);
  if (config.rollback.strategy === "git") {
    return withDeployCommits(config, call, (gitDir, commits) =>
      gitPlanIn(gitDir, config.branch, name, config, recorded, commits, request.release, call),
    );
  }
  checkServiceUrl(config, "rollback.url", config.rollback.url);
  const releases = config.deployRepository
    ? await withDeployCommits(config, call, async (_dir, commits) => mergeReleases(recorded, commits))
    : recorded;
  const to = resolveRelease(name, releases, request.release);
  const { url, method, secretHeader } = config.rollback;
  return {
    strategy: "http",
    service: name,
    environment: config.environment,
    from: releases[0] ?? null,
    to,
    method,
    url,
    secretHeader: secretHeader ? { name: secretHeader.name, secret: secretHeader.secret } : null,
  };
}

const short = (sha: string | null) => (sha ? sha.slice(0, 12) : "no commit");

/** The plan as the person deciding reads it: exactly what will change, before and after. */
export function describeRollbackPlan(plan: RollbackPlan): Plan {
  const from = plan.from ? `${plan.from.version} (${short(plan.from.commit)})` : "unknown";
  const to = `${plan.to.version} (${short(plan.to.commit)})`;
  if (plan.strategy === "git") {
    if (plan.alreadyAtTarget) {
      return {
        summary: `${plan.branch} of ${plan.service}'s deploy repository already deploys ${to}. Nothing will be reverted.`,
        changes: [],
      };
    }
    return {
      summary: `Roll ${plan.service} back from ${from} to ${to}: revert ${plan.revert.length} commit${plan.revert.length === 1 ? "" : "s"} on ${plan.branch} of ${plan.repository} in one new commit, and push it.`,
      changes: [
        ...plan.revert.map((c) => ({
          target: `${plan.repository}#${plan.branch}`,
          description: `revert ${c.sha.slice(0, 12)} "${c.subject}"`,
          before: c.sha.slice(0, 12),
          after: "reverted",
        })),
        { target: `${plan.service} release`, description: "the deployed release", before: from, after: to },
      ],
      warnings:
        plan.environment === "production"
          ? [`${plan.service} is a production service; its deploy system picks up the pushed commit.`]
          : undefined,
    };
  }
  return {
    summary: `Roll ${plan.service} back from ${from} to ${to} by calling the deploy system: ${plan.method} ${plan.url}.`,
    changes: [
      {
        target: plan.url,
        description: `${plan.method} { service, version: "${plan.to.version}", commit, reason }${plan.secretHeader ? ` with header ${plan.secretHeader.name} from managed secret ${plan.secretHeader.secret} (value not shown)` : ""}`,
      },
      { target: `${plan.service} release`, description: "the deployed release", before: from, after: to },
    ],
  };
}

export type RollbackEffects = {
  runId: string;
  idempotencyKey: string;
  log: (line: string) => void;
  registerSecret: (value: string) => void;
  signal: AbortSignal;
};

/** What an earlier attempt's revert commit says it did. */
async function outcomeOfExistingRevert(tree: string, sha: string, call: GitCall): Promise<RollbackOutcome> {
  const [commit] = await readCommits(tree, sha, { ...call, maxCount: 1 });
  const t = commit?.trailers ?? {};
  return {
    strategy: "git",
    fromVersion: t[FROM_TRAILER] ?? null,
    toVersion: t[RELEASE_TRAILER] ?? sha.slice(0, 12),
    toCommit: sha,
    toDescription: commit?.subject ?? "",
    revertCommit: sha,
    revertedCommits: (t[REVERTED_TRAILER] ?? "").split(/[ ,]+/).filter(Boolean),
    alreadyDone: true,
  };
}

/**
 * Carries the rollback out. git: in a temporary work tree, unless a commit carrying this step's
 * idempotency key is already on the branch (an attempt that pushed, then crashed), the planned
 * commits are reverted in one commit and pushed. http: the call carries the idempotency key as
 * the Idempotency-Key header, so a deploy system that honours it rolls back once.
 */
export async function executeRollback(
  db: Queryable,
  request: RollbackRequest,
  effects: RollbackEffects,
): Promise<RollbackOutcome> {
  const { name, config } = await getService(db, request.service);
  const call: GitCall = { onLine: effects.log, signal: effects.signal };
  if (config.rollback.strategy === "git") {
    const recorded = await recordedReleases(db, name);
    const identity = { name: `Keel (run ${effects.runId})`, email: "keel@localhost" };
    let cloned = false;
    try {
      return await withWorkTree(config.deployRepository!, config.branch, call, async (tree) => {
        cloned = true;
        const existing = await findCommitWithTrailer(tree, "HEAD", IDEMPOTENCY_TRAILER, effects.idempotencyKey, call);
        if (existing) {
          effects.log(
            `${existing.slice(0, 12)} on ${config.branch} already carries this step's idempotency key: not reverting again.`,
          );
          return outcomeOfExistingRevert(tree, existing, call);
        }
        const commits = await readCommits(tree, "HEAD", call);
        const plan = await gitPlanIn(tree, "HEAD", name, config, recorded, commits, request.release, call);
        const base = {
          strategy: "git" as const,
          fromVersion: plan.from?.version ?? null,
          toVersion: plan.to.version,
          toCommit: plan.to.commit,
          toDescription: plan.to.description,
        };
        if (plan.alreadyAtTarget) {
          effects.log(`${config.branch} already deploys ${plan.to.version}; nothing to revert.`);
          return { ...base, revertCommit: null, revertedCommits: [], alreadyDone: true };
        }
        const shas = plan.revert.map((c) => c.sha);
        effects.log(
          `Reverting ${shas.length} commit(s) on ${config.branch}: ${plan.revert.map((c) => `${c.sha.slice(0, 12)} ${c.subject}`).join("; ")}`,
        );
        await revertCommits(tree, shas, call);
        const sha = await commitStaged(
          tree,
          [
            `Roll back ${name} to ${plan.to.version}`,
            `Reverts ${plan.revert.map((c) => `${c.sha.slice(0, 12)} "${c.subject}"`).join(", ")}.`,
            `Reason: ${request.reason}`,
          ],
          {
            [RELEASE_TRAILER]: plan.to.version,
            [FROM_TRAILER]: plan.from?.version ?? "unknown",
            [REVERTED_TRAILER]: shas.join(" "),
            "Keel-Run": effects.runId,
            [IDEMPOTENCY_TRAILER]: effects.idempotencyKey,
          },
          { ...call, identity },
        );
        effects.log(`Committed ${sha.slice(0, 12)}; pushing to ${config.branch}…`);
        await pushHead(tree, config.branch, call);
        effects.log(`Pushed ${sha.slice(0, 12)} to ${config.branch} of ${config.deployRepository}.`);
        return { ...base, toCommit: sha, revertCommit: sha, revertedCommits: shas, alreadyDone: false };
      });
    } catch (error) {
      if (!cloned) throw repositoryError(config, error);
      throw error;
    }
  }

  const plan = (await planRollback(db, request, call)) as HttpRollbackPlan;
  const secretHeaders: Record<string, string> = {};
  if (config.rollback.strategy === "http" && config.rollback.secretHeader) {
    const { name: header, secret, prefix } = config.rollback.secretHeader;
    const value = await readSecretValue(db, secret);
    if (!value)
      throw AppError.field("rollback.secretHeader.secret", `The managed secret "${secret}" has no current value.`);
    effects.registerSecret(value.value);
    secretHeaders[header] = `${prefix}${value.value}`;
  }
  const response = await httpRequest(httpPolicyOf(config, { retries: 2 }), {
    method: plan.method as "POST" | "PUT",
    url: plan.url,
    headers: { "idempotency-key": effects.idempotencyKey },
    secretHeaders,
    body: JSON.stringify({
      service: name,
      version: plan.to.version,
      commit: plan.to.commit,
      reason: request.reason,
      idempotencyKey: effects.idempotencyKey,
    }),
    signal: effects.signal,
    log: effects.log,
  }).catch((error: unknown) => {
    if (effects.signal.aborted) throw error;
    throw unreachable("rollback.url", plan.url, error);
  });
  if (response.status < 200 || response.status >= 300) {
    throw new Error(
      `The deploy system answered ${response.status} to ${plan.method} ${plan.url}: ${response.body.slice(0, 200)}`,
    );
  }
  return {
    strategy: "http",
    fromVersion: plan.from?.version ?? null,
    toVersion: plan.to.version,
    toCommit: plan.to.commit,
    toDescription: plan.to.description,
    revertCommit: null,
    revertedCommits: [],
    alreadyDone: false,
    httpStatus: response.status,
  };
}

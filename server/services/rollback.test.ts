import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, deployments, stepOutputLines, targets } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { commitsOf, createDeployRepository, fileAtHead, pushRelease } from "@/test/support/deploy-repo";
import { createTestEngine, type TestEngine } from "@/test/support/engine";
import { startLocalServer } from "@/test/support/local-http";
import { rememberSecret } from "@/test/support/secrets-used";
import { callerAs, createTestUser } from "@/test/support/users";
import { systemActor } from "../audit/actor";
import { verifyAuditChain } from "../audit/verify";
import { loadRunbooks } from "../runbooks/load";
import { createSecret } from "../secrets/store";
import { saveTarget, validateTarget } from "../targets/commands";
import { idempotencyKeyOf } from "../engine/jobs/step-job";
import { executeRollback, planRollback } from "./rollback";
import { readServiceHistory } from "./service-history";

let handle: TestDatabase;
let engine: TestEngine;
let health: Awaited<ReturnType<typeof startLocalServer>>;
const healthAnswers: Record<string, number[]> = { web: [], flaky: [] };
const deployToken = rememberSecret(`deploy-token-${randomUUID()}`);
const repos: { remove(): void }[] = [];

/** Answers the queued statuses in order, then 200 (or 503 for the always-down service). */
function healthOf(service: string) {
  return () => healthAnswers[service]?.shift() ?? (service === "down" ? 503 : 200);
}

async function serviceWithRepo(
  name: string,
  releases: { version: string; healthy?: boolean }[],
  health: { url: string; timeoutSeconds?: number },
) {
  const repo = await createDeployRepository(releases);
  repos.push(repo);
  await saveTarget(
    handle.db,
    systemActor(),
    {
      kind: "service",
      name,
      config: {
        environment: "production",
        deployRepository: repo.bare,
        branch: "main",
        rollback: { strategy: "git" },
        health: {
          url: health.url,
          consecutiveSuccesses: 3,
          intervalSeconds: 1,
          timeoutSeconds: health.timeoutSeconds ?? 20,
        },
        allowedHosts: ["127.0.0.1"],
        allowPrivateNetwork: true,
      },
    },
    "admin",
  );
  return repo;
}

beforeAll(async () => {
  handle = await createTestDatabase();
  engine = await createTestEngine(handle.db);
  health = await startLocalServer({
    "/web/health": healthOf("web"),
    "/flaky/health": healthOf("flaky"),
    "/down/health": healthOf("down"),
    "/deploy/rollback": (request) =>
      request.headers["authorization"] === `Bearer ${deployToken}`
        ? { status: 202, body: JSON.stringify({ accepted: true }) }
        : 401,
  });
  const summary = await loadRunbooks(handle.db, {
    directories: ["runbooks"],
    registry: engine.registry,
    actor: systemActor(),
  });
  expect(summary.invalid).toEqual([]);
});

afterAll(async () => {
  expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });
  await health.close();
  for (const repo of repos) repo.remove();
  await handle.drop();
});

async function people() {
  const responder = (await createTestUser(handle.db, { role: "responder" })).user;
  const lead = (await createTestUser(handle.db, { role: "lead" })).user;
  return { responder: await callerAs(handle.db, responder, engine), lead: await callerAs(handle.db, lead, engine) };
}

const driver = process.env.TEST_DATABASE_URL ? "postgres" : "pglite";

describe(`the rollback runbook (${driver})`, () => {
  it("reverts the bad release on the branch after a lead approves, waits until healthy, and records the release", async () => {
    const repo = await serviceWithRepo(
      "web",
      [{ version: "v1.0.0" }, { version: "v1.1.0" }, { version: "v1.2.0", healthy: false }],
      { url: health.url("/web/health") },
    );
    const [bad, good] = await commitsOf(repo.bare);
    const { responder, lead } = await people();

    const { runId } = await responder.runs.start({
      runbookId: "rollback",
      inputs: { service: "web", release: "previous", reason: "5xx since v1.2.0" },
      requestKey: randomUUID(),
    });
    await responder.runs.confirm({ runId, stepId: "confirm-bad-release", note: "error graph" });
    await engine.drain();

    let view = await responder.runs.get({ runId });
    expect(view.steps.find((s) => s.id === "target-release")).toMatchObject({ status: "succeeded" });
    expect(view.status).toBe("waiting_approval");
    const approval = view.steps.find((s) => s.id === "approve")!;
    const plan = approval.coveredPlans?.rollback?.plan;
    expect(plan?.summary).toContain("from v1.2.0");
    expect(plan?.summary).toContain("to v1.1.0");
    expect(plan?.changes.map((c) => c.description)).toContain(`revert ${bad!.sha.slice(0, 12)} "Release v1.2.0"`);
    // Nothing changed yet.
    expect((await commitsOf(repo.bare))[0]!.sha).toBe(bad!.sha);

    await lead.runs.approve({ runId, stepId: "approve", bindingHash: approval.bindingHash! });
    await engine.drain();
    expect((await responder.runs.get({ runId })).steps.find((s) => s.id === "rollback")).toMatchObject({
      status: "waiting_operator",
    });

    healthAnswers.web = [503, 503];
    await responder.runs.execute({ runId, stepId: "rollback" });
    await engine.drain();

    const after = await commitsOf(repo.bare);
    expect(after).toHaveLength(4);
    expect(after[0]!.subject).toBe("Roll back web to v1.1.0");
    expect(after[0]!.trailers).toMatchObject({
      "Release-Version": "v1.1.0",
      "Keel-Rolled-Back-From": "v1.2.0",
      "Keel-Reverted": bad!.sha,
    });
    expect(after[0]!.authorName).toBe(`Keel (run ${runId})`);
    expect(JSON.parse(await fileAtHead(repo.bare, "release.json"))).toEqual({ version: "v1.1.0", healthy: true });
    expect(after[1]!.sha).toBe(bad!.sha);
    expect(after[2]!.sha).toBe(good!.sha);

    view = await responder.runs.get({ runId });
    const healthy = view.steps.find((s) => s.id === "healthy")!;
    expect(healthy).toMatchObject({ status: "succeeded" });
    expect(healthy.output).toMatchObject({ statuses: [503, 503, 200, 200, 200] });

    expect(view.steps.find((s) => s.id === "record")).toMatchObject({
      status: "waiting_operator",
      plan: { summary: expect.stringContaining("v1.1.0") },
    });
    await responder.runs.execute({ runId, stepId: "record" });
    await engine.drain();
    const rows = await handle.db.select().from(deployments).where(eq(deployments.service, "web"));
    expect(rows).toEqual([
      expect.objectContaining({ version: "v1.1.0", commit: after[0]!.sha, source: "keel", recordedBy: runId }),
    ]);

    const history = await readServiceHistory(handle.db, "web");
    expect(history.releases.map((r) => `${r.version}:${r.source}`)).toEqual([
      "v1.1.0:keel",
      "v1.2.0:git",
      "v1.1.0:git",
      "v1.0.0:git",
    ]);

    await responder.runs.confirm({ runId, stepId: "follow-up", note: "TICKET-1" });
    expect((await responder.runs.get({ runId })).status).toBe("succeeded");
  });

  it("does not revert twice when the same attempt runs again after a crash", async () => {
    const repo = await serviceWithRepo("retry-web", [{ version: "v1" }, { version: "v2" }, { version: "v3" }], {
      url: health.url("/web/health"),
    });
    const lines: string[] = [];
    const effects = {
      runId: randomUUID(),
      idempotencyKey: `run:${randomUUID()}:rollback:1:execute`,
      log: (l: string) => lines.push(l),
      registerSecret: () => {},
      signal: new AbortController().signal,
    };
    const first = await executeRollback(handle.db, { service: "retry-web", release: "v1", reason: "test" }, effects);
    expect(first).toMatchObject({ alreadyDone: false, fromVersion: "v3", toVersion: "v1" });
    expect(first.revertedCommits).toHaveLength(2);

    const again = await executeRollback(handle.db, { service: "retry-web", release: "v1", reason: "test" }, effects);
    expect(again).toMatchObject({
      alreadyDone: true,
      revertCommit: first.revertCommit,
      fromVersion: "v3",
      toVersion: "v1",
    });
    const commits = await commitsOf(repo.bare);
    expect(commits.filter((c) => c.subject.startsWith("Roll back"))).toHaveLength(1);
    expect(lines.join("\n")).toContain("already carries this step's idempotency key");

    // A new attempt (another key) finds the branch already deploying v1: nothing to revert.
    const other = await executeRollback(
      handle.db,
      { service: "retry-web", release: "v1", reason: "test" },
      { ...effects, idempotencyKey: "another-key" },
    );
    expect(other).toMatchObject({ alreadyDone: true, revertCommit: null });
    expect(await commitsOf(repo.bare)).toHaveLength(commits.length);
  });

  it("does not revert again when the engine runs the execution whose worker pushed, then died", async () => {
    const repo = await serviceWithRepo("crash-web", [{ version: "c1" }, { version: "c2" }], {
      url: health.url("/web/health"),
    });
    const { responder, lead } = await people();
    const { runId } = await responder.runs.start({
      runbookId: "rollback",
      inputs: { service: "crash-web", reason: "crash test" },
      requestKey: randomUUID(),
    });
    await responder.runs.confirm({ runId, stepId: "confirm-bad-release" });
    await engine.drain();
    const approval = (await responder.runs.get({ runId })).steps.find((s) => s.id === "approve")!;
    await lead.runs.approve({ runId, stepId: "approve", bindingHash: approval.bindingHash! });
    await engine.drain();
    await responder.runs.execute({ runId, stepId: "rollback" });
    const job = engine.queue.jobs.find((j) => j.stepId === "rollback" && j.phase === "execute")!;
    // The first worker got as far as pushing its revert before it died.
    await executeRollback(
      handle.db,
      { service: "crash-web", release: "previous", reason: "crash test" },
      {
        runId,
        idempotencyKey: idempotencyKeyOf(job),
        log: () => {},
        registerSecret: () => {},
        signal: new AbortController().signal,
      },
    );
    expect((await commitsOf(repo.bare)).filter((c) => c.subject.startsWith("Roll back"))).toHaveLength(1);

    await engine.drain();
    const step = (await responder.runs.get({ runId })).steps.find((s) => s.id === "rollback")!;
    expect(step).toMatchObject({
      status: "succeeded",
      output: { alreadyDone: true, toVersion: "c1", fromVersion: "c2" },
    });
    expect((await commitsOf(repo.bare)).filter((c) => c.subject.startsWith("Roll back"))).toHaveLength(1);
  });

  it("plans from the branch as it is now when someone deployed meanwhile", async () => {
    const repo = await serviceWithRepo("moving-web", [{ version: "a1" }, { version: "a2" }], {
      url: health.url("/web/health"),
    });
    const plan = await planRollback(handle.db, { service: "moving-web", release: "previous", reason: "x" });
    expect(plan).toMatchObject({ strategy: "git", from: { version: "a2" }, to: { version: "a1" } });
    await pushRelease(repo.bare, { version: "a3" });
    const replanned = await planRollback(handle.db, { service: "moving-web", release: "a1", reason: "x" });
    expect(replanned.strategy === "git" && replanned.revert.map((c) => c.subject)).toEqual([
      "Release a3",
      "Release a2",
    ]);
  });

  it("fails the health check when the service stays unhealthy, listing the status codes", async () => {
    await serviceWithRepo("down", [{ version: "d1" }, { version: "d2" }], {
      url: health.url("/down/health"),
      timeoutSeconds: 5,
    });
    const { responder, lead } = await people();
    const { runId } = await responder.runs.start({
      runbookId: "rollback",
      inputs: { service: "down", reason: "down" },
      requestKey: randomUUID(),
    });
    await responder.runs.confirm({ runId, stepId: "confirm-bad-release" });
    await engine.drain();
    const approval = (await responder.runs.get({ runId })).steps.find((s) => s.id === "approve")!;
    await lead.runs.approve({ runId, stepId: "approve", bindingHash: approval.bindingHash! });
    await engine.drain();
    await responder.runs.execute({ runId, stepId: "rollback" });
    await engine.drain();
    const step = (await responder.runs.get({ runId })).steps.find((s) => s.id === "healthy")!;
    expect(step.status).toBe("failed");
    // How many probes fit in the 5 s depends on the machine's load: at least two, each listed.
    expect(step.error).toMatch(/did not become healthy within 5s \(status codes seen: 503(, 503)+/);
  });

  it("calls the deploy system for the http strategy with the secret header, never showing the secret", async () => {
    await createSecret(handle.db, systemActor(), {
      name: "deploy-api-token",
      description: "",
      policy: { length: 32, alphabet: "base64url" },
      gracePeriodHours: 24,
      value: deployToken,
    });
    await saveTarget(
      handle.db,
      systemActor(),
      {
        kind: "service",
        name: "api",
        config: {
          environment: "staging",
          rollback: {
            strategy: "http",
            url: health.url("/deploy/rollback"),
            secretHeader: { name: "Authorization", secret: "deploy-api-token", prefix: "Bearer " },
          },
          health: { url: health.url("/web/health"), consecutiveSuccesses: 1, intervalSeconds: 1 },
          allowedHosts: ["127.0.0.1"],
          allowPrivateNetwork: true,
        },
      },
      "admin",
    );
    const { recordRelease } = await import("./record-release");
    await recordRelease(handle.db, systemActor(), {
      service: "api",
      version: "2.0.0",
      commit: "aaaaaaa",
      source: "api",
      recordedBy: null,
      deployedAt: new Date(Date.now() - 60_000),
    });
    await recordRelease(handle.db, systemActor(), {
      service: "api",
      version: "2.1.0",
      commit: "bbbbbbb",
      source: "api",
      recordedBy: null,
    });

    const { responder } = await people();
    const { runId } = await responder.runs.start({
      runbookId: "rollback",
      inputs: { service: "api", reason: "bad" },
      requestKey: randomUUID(),
    });
    await responder.runs.confirm({ runId, stepId: "confirm-bad-release" });
    await engine.drain();
    let view = await responder.runs.get({ runId });
    // Staging: no approval needed.
    expect(view.steps.find((s) => s.id === "approve")!.status).toBe("not_applicable");
    const rollback = view.steps.find((s) => s.id === "rollback")!;
    expect(rollback.plan?.summary).toBe(
      `Roll api back from 2.1.0 (bbbbbbb) to 2.0.0 (aaaaaaa) by calling the deploy system: POST ${health.url("/deploy/rollback")}.`,
    );
    expect(JSON.stringify(rollback.plan)).not.toContain(deployToken);

    const before = health.received.length;
    await responder.runs.execute({ runId, stepId: "rollback" });
    await engine.drain();
    const calls = health.received.slice(before).filter((r) => r.path === "/deploy/rollback");
    expect(calls).toHaveLength(1);
    expect(JSON.parse(calls[0]!.body)).toMatchObject({
      service: "api",
      version: "2.0.0",
      commit: "aaaaaaa",
      reason: "bad",
    });
    expect(calls[0]!.headers["idempotency-key"]).toMatch(/rollback/);
    view = await responder.runs.get({ runId });
    expect(view.steps.find((s) => s.id === "rollback")).toMatchObject({
      status: "succeeded",
      output: { httpStatus: 202, toVersion: "2.0.0" },
    });
    const everything = JSON.stringify([
      await handle.db.select().from(auditEvents),
      await handle.db.select().from(stepOutputLines),
    ]);
    expect(everything).not.toContain(deployToken);
  });

  it("fails the rollback naming rollback.url when the deploy system cannot be reached", async () => {
    await saveTarget(
      handle.db,
      systemActor(),
      {
        kind: "service",
        name: "api-down",
        config: {
          environment: "staging",
          rollback: { strategy: "http", url: "http://127.0.0.1:9/rollback" },
          health: { url: health.url("/web/health") },
          allowedHosts: ["127.0.0.1"],
          allowPrivateNetwork: true,
        },
      },
      "admin",
    );
    const { recordRelease } = await import("./record-release");
    await recordRelease(handle.db, systemActor(), {
      service: "api-down",
      version: "1",
      source: "api",
      recordedBy: null,
      deployedAt: new Date(Date.now() - 60_000),
    });
    await recordRelease(handle.db, systemActor(), {
      service: "api-down",
      version: "2",
      source: "api",
      recordedBy: null,
    });
    const failure = await executeRollback(
      handle.db,
      { service: "api-down", release: "previous", reason: "x" },
      {
        runId: randomUUID(),
        idempotencyKey: "k",
        log: () => {},
        registerSecret: () => {},
        signal: new AbortController().signal,
      },
    ).catch((e: unknown) => e);
    expect(failure).toMatchObject({
      message: expect.stringMatching(
        /^Rollback URL: could not reach http:\/\/127\.0\.0\.1:9\/rollback: .*ECONNREFUSED/,
      ),
      details: { fields: { "rollback.url": expect.any(String) } },
    });
  });

  it("refuses bad input naming the field or step, executes nothing, and records the refusal", async () => {
    const repo = await serviceWithRepo("guarded", [{ version: "g1" }, { version: "g2" }], {
      url: health.url("/web/health"),
    });
    const { responder } = await people();

    // An unknown service: the run does not start.
    const unknown = await responder.runs
      .start({ runbookId: "rollback", inputs: { service: "nope", reason: "x" }, requestKey: randomUUID() })
      .catch((e: unknown) => e);
    expect(unknown).toMatchObject({
      code: "BAD_REQUEST",
      details: { fields: { "inputs.service": expect.stringContaining("configured service") } },
    });
    expect(
      await handle.db.select().from(auditEvents).where(eq(auditEvents.eventType, "run.inputs_refused")),
    ).not.toHaveLength(0);

    // A release that does not exist: the check fails naming the field; no commit is made.
    const { runId } = await responder.runs.start({
      runbookId: "rollback",
      inputs: { service: "guarded", release: "v9.9.9", reason: "x" },
      requestKey: randomUUID(),
    });
    await responder.runs.confirm({ runId, stepId: "confirm-bad-release" });
    await engine.drain();
    const check = (await responder.runs.get({ runId })).steps.find((s) => s.id === "target-release")!;
    expect(check.status).toBe("failed");
    expect(check.error).toBe('Release: guarded has no release "v9.9.9". Recent releases: g2, g1.');
    expect(await commitsOf(repo.bare)).toHaveLength(2);
    const failed = await handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.eventType, "step.failed"), eq(auditEvents.entityId, runId)));
    expect(failed).toHaveLength(1);

    // A service without a rollback strategy cannot be configured...
    const refused = validateTarget({
      kind: "service",
      name: "bare",
      config: { health: { url: health.url("/web/health") }, allowedHosts: ["127.0.0.1"] },
    });
    expect(refused).toEqual({
      ok: false,
      fields: { "config.rollback.strategy": 'choose a rollback strategy: "git" or "http"' },
    });
    // ...and one stored before that rule is refused by the check, naming the field.
    await handle.db.insert(targets).values({
      kind: "service",
      name: "legacy",
      config: { health: { url: health.url("/web/health") }, allowedHosts: ["127.0.0.1"] },
      source: "admin",
    });
    const legacy = await responder.runs.start({
      runbookId: "rollback",
      inputs: { service: "legacy", reason: "x" },
      requestKey: randomUUID(),
    });
    await responder.runs.confirm({ runId: legacy.runId, stepId: "confirm-bad-release" });
    await engine.drain();
    const legacyCheck = (await responder.runs.get({ runId: legacy.runId })).steps.find(
      (s) => s.id === "target-release",
    )!;
    expect(legacyCheck).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/^Service: .*rollback\.strategy: choose a rollback strategy/),
    });

    // A health URL on a host the service does not allow: refused before anything is sent.
    await saveTarget(
      handle.db,
      systemActor(),
      {
        kind: "service",
        name: "wrong-host",
        config: {
          deployRepository: repo.bare,
          rollback: { strategy: "git" },
          health: { url: "http://localhost:9/health" },
          allowedHosts: ["127.0.0.1"],
          allowPrivateNetwork: true,
        },
      },
      "admin",
    );
    const wrongHost = await responder.runs.start({
      runbookId: "rollback",
      inputs: { service: "wrong-host", reason: "x" },
      requestKey: randomUUID(),
    });
    await responder.runs.confirm({ runId: wrongHost.runId, stepId: "confirm-bad-release" });
    await engine.drain();
    expect(
      (await responder.runs.get({ runId: wrongHost.runId })).steps.find((s) => s.id === "target-release"),
    ).toMatchObject({
      status: "failed",
      error: "Health URL: localhost is not in this target's allowed hosts (127.0.0.1)",
    });

    // An unreachable deploy repository: named as the deployRepository field.
    await saveTarget(
      handle.db,
      systemActor(),
      {
        kind: "service",
        name: "unreachable",
        config: {
          deployRepository: `${repo.root}/missing.git`,
          rollback: { strategy: "git" },
          health: { url: health.url("/web/health") },
          allowedHosts: ["127.0.0.1"],
          allowPrivateNetwork: true,
        },
      },
      "admin",
    );
    const lost = await responder.runs.start({
      runbookId: "rollback",
      inputs: { service: "unreachable", reason: "x" },
      requestKey: randomUUID(),
    });
    await responder.runs.confirm({ runId: lost.runId, stepId: "confirm-bad-release" });
    await engine.drain();
    const lostCheck = (await responder.runs.get({ runId: lost.runId })).steps.find((s) => s.id === "target-release")!;
    expect(lostCheck).toMatchObject({
      status: "failed",
      error: expect.stringMatching(
        /^Deploy repository: Could not read main of the deploy repository .*missing\.git: git clone failed/,
      ),
    });
  });
});

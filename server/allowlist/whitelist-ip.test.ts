import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { allowlistEntries, auditEvents, runs, sessions, stepOutputLines, type User } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { createTestEngine, installRunbook, type TestEngine } from "@/test/support/engine";
import { rememberSecret } from "@/test/support/secrets-used";
import { callerAs, createTestUser } from "@/test/support/users";
import { startWafServer } from "@/test/support/waf-server";
import { systemActor } from "../audit/actor";
import { verifyAuditChain } from "../audit/verify";
import type { StepContext } from "../engine/actions/types";
import { createSecret } from "../secrets/store";
import { removeTarget, saveTarget } from "../targets/commands";
import { addAllowlistEntryAction } from "./actions/add-entry";
import { isAllowlisted } from "./entries";
import { sweepExpiredAllowlistEntries } from "./expiry-sweep";

let handle: TestDatabase;
let engine: TestEngine;
let waf: Awaited<ReturnType<typeof startWafServer>>;
let dir: string;
let allowFile: string;
let reloadMarker: string;
const apiKey = rememberSecret(`waf-key-${randomUUID()}`);

type Caller = Awaited<ReturnType<typeof callerAs>>;
let responder: Caller;
let lead: Caller;
let leadUser: User;

beforeAll(async () => {
  handle = await createTestDatabase();
  engine = await createTestEngine(handle.db);
  waf = await startWafServer(apiKey);
  dir = mkdtempSync(path.join(os.tmpdir(), "keel-allowlist-"));
  allowFile = path.join(dir, "nginx", "allow.conf");
  reloadMarker = path.join(dir, "reloaded");
  await createSecret(handle.db, systemActor(), {
    name: "waf-api-key",
    description: "",
    policy: { length: 32, alphabet: "base64url" },
    gracePeriodHours: 24,
    value: apiKey,
  });
  await saveTarget(
    handle.db,
    systemActor(),
    {
      kind: "allowlist",
      name: "edge",
      config: {
        sinks: [
          {
            type: "file",
            path: allowFile,
            trailer: ["deny all;"],
            reload: { executable: "/usr/bin/touch", args: [reloadMarker] },
          },
          {
            type: "http",
            baseUrl: waf.url,
            allowedHosts: ["127.0.0.1"],
            allowPrivateNetwork: true,
            secretHeader: { name: "X-Api-Key", secret: "waf-api-key" },
          },
        ],
      },
    },
    "admin",
  );
  for (const file of ["whitelist-ip.yaml", "remove-allowlisted-ip.yaml"])
    await installRunbook(handle.db, parse(readFileSync(path.resolve("runbooks", file), "utf8")));
  responder = await callerAs(handle.db, (await createTestUser(handle.db, { role: "responder" })).user, engine);
  leadUser = (await createTestUser(handle.db, { role: "lead" })).user;
  lead = await callerAs(handle.db, leadUser, engine);
});

afterAll(async () => {
  expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });
  await waf.close();
  rmSync(dir, { recursive: true, force: true });
  await handle.drop();
});

const fileLines = () => (existsSync(allowFile) ? readFileSync(allowFile, "utf8").trimEnd().split("\n") : []);
const step = async (runId: string, id: string) => (await responder.runs.get({ runId })).steps.find((s) => s.id === id)!;
const auditOf = (eventType: string) => handle.db.select().from(auditEvents).where(eq(auditEvents.eventType, eventType));

/** Starts whitelist-ip and goes through the first manual step and the classification. */
async function startWhitelist(ip: string, reason = "Acme office NAT blocked on /api/v1/events") {
  const { runId } = await responder.runs.start({
    runbookId: "whitelist-ip",
    inputs: { ip, reason, expiry: "24h", allowlist: "edge" },
    requestKey: randomUUID(),
  });
  await responder.runs.confirm({ runId, stepId: "confirm-legitimate", note: "INC-42" });
  await engine.drain();
  return runId;
}

async function executeAndFinish(runId: string, stepId: string, lastManual?: string) {
  await responder.runs.execute({ runId, stepId });
  await engine.drain();
  expect(await step(runId, stepId)).toMatchObject({ status: "succeeded" });
  if (lastManual) {
    await responder.runs.confirm({ runId, stepId: lastManual });
    await engine.drain();
  }
}

function stepContext(runId: string, stepId: string, lines: string[]): StepContext {
  return {
    db: handle.db,
    runId,
    stepId,
    attempt: 1,
    idempotencyKey: `${runId}:${stepId}:1:execute`,
    resumed: true,
    signal: new AbortController().signal,
    log: (line) => lines.push(line),
    registerSecret: () => {},
    progress: () => {},
  };
}

let narrowRunId = "";

describe(`whitelist-ip on a file and an http sink (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("adds a narrow range without approval: the plan shows each line, execute writes the file, calls the API, records the entry, and verifies", async () => {
    const runId = (narrowRunId = await startWhitelist("203.0.113.77/24"));
    expect(await step(runId, "classify")).toMatchObject({
      status: "succeeded",
      output: { broad: false, cidr: "203.0.113.0/24" },
    });
    expect(await step(runId, "lead-approval")).toMatchObject({ status: "not_applicable" });
    const add = await step(runId, "add");
    expect(add.status).toBe("waiting_operator");
    const [record, fileChange, httpChange] = add.plan!.changes;
    expect(record).toMatchObject({ target: 'Keel allowlist "edge"', before: "(no entry for 203.0.113.0/24)" });
    expect(fileChange).toMatchObject({ target: `file ${allowFile}`, before: "(no line for 203.0.113.0/24)" });
    expect(fileChange!.after).toMatch(/^allow 203\.0\.113\.0\/24; # [0-9a-f-]{36} added by Keel run \d+ expires \S+Z$/);
    expect(httpChange).toMatchObject({ target: `API ${waf.url}`, description: expect.stringMatching(/^PUT /) });
    // Planning changed nothing.
    expect(existsSync(allowFile)).toBe(false);
    expect(waf.entries.size).toBe(0);

    await executeAndFinish(runId, "add", "tell-reporter");
    expect((await responder.runs.get({ runId })).status).toBe("succeeded");

    const [entry] = await handle.db.select().from(allowlistEntries).where(eq(allowlistEntries.createdByRunId, runId));
    expect(entry).toMatchObject({
      allowlist: "edge",
      cidr: "203.0.113.0/24",
      reason: "Acme office NAT blocked on /api/v1/events",
      removedAt: null,
    });
    const [run] = await handle.db.select().from(runs).where(eq(runs.id, runId));
    expect(entry!.expiresAt.getTime()).toBe(run!.createdAt.getTime() + 24 * 3_600_000);
    expect(fileLines().slice(1)).toEqual([fileChange!.after, "deny all;"]);
    expect(existsSync(reloadMarker)).toBe(true);
    expect(waf.entries.get(entry!.id)).toMatchObject({
      cidr: "203.0.113.0/24",
      expiresAt: entry!.expiresAt.toISOString(),
    });
    expect(waf.requests.every((r) => r.authorised)).toBe(true);
    expect(await auditOf("allowlist.added")).toHaveLength(1);
    expect(await isAllowlisted(handle.db, "203.0.113.9")).toBe(true);

    const output = (
      await handle.db
        .select()
        .from(stepOutputLines)
        .where(and(eq(stepOutputLines.runId, runId), eq(stepOutputLines.stepId, "add")))
    ).map((l) => l.text);
    expect(output.some((l) => l.startsWith("Verified: 203.0.113.0/24 is in all 2 sinks"))).toBe(true);
    expect(JSON.stringify([output, await handle.db.select().from(auditEvents)])).not.toContain(apiKey);
  });

  it("executes idempotently: running again adds no second row, line or API entry, and finishes a sink the crash left out", async () => {
    const [entry] = await handle.db
      .select()
      .from(allowlistEntries)
      .where(eq(allowlistEntries.createdByRunId, narrowRunId));
    const input = addAllowlistEntryAction.input.parse({
      allowlist: "edge",
      cidr: "203.0.113.77/24",
      reason: "Acme office NAT blocked on /api/v1/events",
      expiresIn: "1d",
    });
    const before = readFileSync(allowFile, "utf8");
    const lines: string[] = [];
    rmSync(reloadMarker);
    await addAllowlistEntryAction.execute(input, stepContext(narrowRunId, "add", lines));
    expect(readFileSync(allowFile, "utf8")).toBe(before);
    expect(lines.some((l) => l.includes("already there"))).toBe(true);
    // The crash may have come between writing the file and reloading nginx: a resumed step reloads again.
    expect(existsSync(reloadMarker)).toBe(true);

    // As if the process died after Keel's record and the file, before the API call.
    waf.entries.delete(entry!.id);
    await addAllowlistEntryAction.execute(input, stepContext(narrowRunId, "add", lines));
    expect(waf.entries.get(entry!.id)).toMatchObject({ cidr: "203.0.113.0/24" });
    expect(readFileSync(allowFile, "utf8")).toBe(before);
    expect(await handle.db.select().from(allowlistEntries)).toHaveLength(1);
    expect(await auditOf("allowlist.added")).toHaveLength(1);
    expect(
      await addAllowlistEntryAction.verify!(input, stepContext(narrowRunId, "add", lines), { summary: "" }),
    ).toMatchObject({ ok: true });
  });

  it("refuses a range an existing entry covers, naming that entry, changing nothing, with an audit row", async () => {
    const before = readFileSync(allowFile, "utf8");
    const runId = await startWhitelist("203.0.113.9");
    const classify = await step(runId, "classify");
    expect(classify.status).toBe("failed");
    expect(classify.error).toMatch(
      /^203\.0\.113\.9\/32 is already covered by entry [0-9a-f-]{36} \(203\.0\.113\.0\/24, reason "Acme office NAT blocked on \/api\/v1\/events", expires \S+\)/,
    );
    expect((await responder.runs.get({ runId })).steps.find((s) => s.id === "add")!.status).toBe("pending");
    const [refusal] = await auditOf("allowlist.add_refused");
    expect(refusal).toMatchObject({
      outcome: "refused",
      entityId: "edge",
      eventMeta: { field: "cidr", cidr: "203.0.113.9/32", runId },
    });
    expect(readFileSync(allowFile, "utf8")).toBe(before);
    expect(await handle.db.select().from(allowlistEntries)).toHaveLength(1);
    await responder.runs.abort({ runId, reason: "Already allowed" });
    await engine.drain();
  });

  it("refuses bad inputs at the start, naming each field, starting nothing, and records the refusal", async () => {
    const runsBefore = (await handle.db.select().from(runs)).length;
    const refusalsBefore = (await auditOf("run.inputs_refused")).length;
    const error = await responder.runs
      .start({
        runbookId: "whitelist-ip",
        inputs: { ip: "203.0.113.300/24", reason: "x", expiry: "31d", allowlist: "no-such-list" },
        requestKey: randomUUID(),
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "BAD_REQUEST" });
    const fields = (error as { details: { fields: Record<string, string> } }).details.fields;
    expect(Object.keys(fields).sort()).toEqual(["inputs.allowlist", "inputs.expiry", "inputs.ip", "inputs.reason"]);
    expect(fields["inputs.ip"]).toMatch(/IPv4 or IPv6/);
    expect(fields["inputs.expiry"]).toBe("Use at most 30d");
    expect(fields["inputs.allowlist"]).toMatch(/edge/);
    expect((await handle.db.select().from(runs)).length).toBe(runsBefore);
    expect(await auditOf("run.inputs_refused")).toHaveLength(refusalsBefore + 1);
  });

  it("says plainly which required input was left out", async () => {
    const error = await responder.runs
      .start({
        runbookId: "whitelist-ip",
        inputs: { reason: "Partner test", expiry: "1h", allowlist: "edge" },
        requestKey: randomUUID(),
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "BAD_REQUEST" });
    expect((error as { details: { fields: Record<string, string> } }).details.fields).toEqual({
      "inputs.ip": "This field is required.",
    });
  });

  it("fails the classification, naming the field, when the allowlist is gone after the run started", async () => {
    await saveTarget(
      handle.db,
      systemActor(),
      {
        kind: "allowlist",
        name: "short-lived",
        config: { sinks: [{ type: "file", path: path.join(dir, "short-lived.conf") }] },
      },
      "admin",
    );
    const { runId } = await responder.runs.start({
      runbookId: "whitelist-ip",
      inputs: { ip: "192.0.2.1", reason: "Partner test", expiry: "1h", allowlist: "short-lived" },
      requestKey: randomUUID(),
    });
    await removeTarget(handle.db, systemActor(), "allowlist", "short-lived");
    await responder.runs.confirm({ runId, stepId: "confirm-legitimate" });
    await engine.drain();
    expect(await step(runId, "classify")).toMatchObject({
      status: "failed",
      error: 'Allowlist: No allowlist named "short-lived" is configured.',
    });
    expect(existsSync(path.join(dir, "short-lived.conf"))).toBe(false);
    await responder.runs.abort({ runId, reason: "Allowlist removed" });
    await engine.drain();
  });

  it("asks a lead to approve a broad range, with the exact lines in the approval, then removes it early everywhere", async () => {
    const runId = await startWhitelist("2001:db8::/32", "Partner IPv6 block during migration");
    expect(await step(runId, "classify")).toMatchObject({
      status: "succeeded",
      output: { broad: true, cidr: "2001:db8::/32" },
    });
    const view = await lead.runs.get({ runId });
    expect(view.status).toBe("waiting_approval");
    const approval = view.steps.find((s) => s.id === "lead-approval")!;
    expect(approval.coveredPlans?.add?.plan?.changes[1]?.after).toMatch(/^allow 2001:db8::\/32; # /);
    expect(approval.coveredPlans?.add?.plan?.warnings?.[0]).toMatch(/broad range/);
    await expect(
      responder.runs.approve({ runId, stepId: "lead-approval", bindingHash: approval.bindingHash! }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    // Approving a broad range is high-risk: a lead who signed in long ago proves the password first.
    const signedInAt = (await handle.db.select().from(sessions).where(eq(sessions.userId, leadUser.id)))[0]!
      .authenticatedAt;
    await handle.db
      .update(sessions)
      .set({ authenticatedAt: new Date(Date.now() - 3_600_000) })
      .where(eq(sessions.userId, leadUser.id));
    await expect(
      lead.runs.approve({ runId, stepId: "lead-approval", bindingHash: approval.bindingHash! }),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringContaining("(a broad allowlist range) is a high-risk action"),
      details: { reason: "REAUTH_REQUIRED" },
    });
    expect(await step(runId, "lead-approval")).toMatchObject({ status: "waiting_approval" });
    await handle.db.update(sessions).set({ authenticatedAt: signedInAt }).where(eq(sessions.userId, leadUser.id));
    await lead.runs.approve({ runId, stepId: "lead-approval", bindingHash: approval.bindingHash! });
    await engine.drain();
    expect(await step(runId, "add")).toMatchObject({ status: "waiting_operator" });
    await executeAndFinish(runId, "add", "tell-reporter");
    const [entry] = await handle.db.select().from(allowlistEntries).where(eq(allowlistEntries.createdByRunId, runId));
    expect(fileLines().some((l) => l.startsWith(`allow 2001:db8::/32; # ${entry!.id} `))).toBe(true);
    expect(waf.entries.has(entry!.id)).toBe(true);

    const removal = await responder.runs.start({
      runbookId: "remove-allowlisted-ip",
      inputs: { ip: "2001:db8::/32", allowlist: "edge", reason: "Migration finished" },
      requestKey: randomUUID(),
    });
    await responder.runs.confirm({ runId: removal.runId, stepId: "confirm-removal" });
    await engine.drain();
    const plan = (await step(removal.runId, "remove")).plan!;
    expect(plan.changes[1]).toMatchObject({
      target: `file ${allowFile}`,
      before: expect.stringMatching(/^allow 2001:db8::\/32; #/),
      after: "(no line for 2001:db8::/32)",
    });
    await executeAndFinish(removal.runId, "remove");
    expect(fileLines().some((l) => l.includes(entry!.id))).toBe(false);
    expect(fileLines().at(-1)).toBe("deny all;");
    expect(waf.entries.has(entry!.id)).toBe(false);
    const [removed] = await handle.db.select().from(allowlistEntries).where(eq(allowlistEntries.id, entry!.id));
    expect(removed).toMatchObject({ removalReason: "Migration finished", removedByRunId: removal.runId });
    expect(removed!.removedAt).not.toBeNull();
    expect(await auditOf("allowlist.removed")).toHaveLength(1);
    expect(await isAllowlisted(handle.db, "2001:db8::1")).toBe(false);
  });

  it("refuses to add a broad range in a run that had no lead's approval, whatever the runbook says", async () => {
    await installRunbook(handle.db, {
      id: "allow-without-approval",
      title: "Allow without approval",
      summary: "A runbook that forgot the approval step.",
      risk: "high",
      steps: [
        {
          id: "add",
          kind: "action",
          title: "Add",
          action: "allowlist.add",
          input: { allowlist: "edge", cidr: "10.0.0.0/8", reason: "forgot the approval", expiresIn: "1h" },
        },
      ],
    });
    const before = readFileSync(allowFile, "utf8");
    const { runId } = await responder.runs.start({
      runbookId: "allow-without-approval",
      inputs: {},
      requestKey: randomUUID(),
    });
    await engine.drain();
    expect((await step(runId, "add")).plan!.warnings).toEqual([
      "10.0.0.0/8 is a broad range (16,777,216 addresses): a lead must approve it.",
    ]);
    await responder.runs.execute({ runId, stepId: "add" });
    await engine.drain();
    expect(await step(runId, "add")).toMatchObject({
      status: "failed",
      error:
        "CIDR: 10.0.0.0/8 is a broad range (16,777,216 addresses): adding it needs a lead's approval earlier in this run, and none was given.",
    });
    expect(readFileSync(allowFile, "utf8")).toBe(before);
    expect(
      await handle.db.select().from(allowlistEntries).where(eq(allowlistEntries.createdByRunId, runId)),
    ).toHaveLength(0);
    await responder.runs.abort({ runId, reason: "Needs approval" });
    await engine.drain();
  });

  it("refuses to remove an entry that does not exist, naming the field, with an audit row", async () => {
    const { runId } = await responder.runs.start({
      runbookId: "remove-allowlisted-ip",
      inputs: { ip: "198.51.100.1", allowlist: "edge", reason: "Not needed" },
      requestKey: randomUUID(),
    });
    await responder.runs.confirm({ runId, stepId: "confirm-removal" });
    await engine.drain();
    const remove = await step(runId, "remove");
    expect(remove.status).toBe("failed");
    expect(remove.error).toMatch(
      /^CIDR: "edge" has no live entry for 198\.51\.100\.1\/32 \(its live entries are 203\.0\.113\.0\/24\)/,
    );
    expect(await auditOf("allowlist.remove_refused")).toHaveLength(1);
    await responder.runs.abort({ runId, reason: "Wrong address" });
    await engine.drain();
  });

  it("removes expired entries from every sink, once, with an allowlist.expired audit row each", async () => {
    const [entry] = await handle.db
      .select()
      .from(allowlistEntries)
      .where(eq(allowlistEntries.createdByRunId, narrowRunId));
    expect(await sweepExpiredAllowlistEntries(handle.db, new Date(entry!.expiresAt.getTime() - 1000))).toEqual({
      expired: 0,
      failed: 0,
    });
    expect(fileLines().some((l) => l.includes(entry!.id))).toBe(true);

    const after = new Date(entry!.expiresAt.getTime() + 1000);
    // The WAF is down: the entry stays live in Keel's record, and the next sweep tries again.
    waf.state.down = true;
    expect(await sweepExpiredAllowlistEntries(handle.db, after)).toEqual({ expired: 0, failed: 1 });
    waf.state.down = false;
    expect(waf.entries.has(entry!.id)).toBe(true);
    expect(
      (await handle.db.select().from(allowlistEntries).where(eq(allowlistEntries.id, entry!.id)))[0]!.removedAt,
    ).toBeNull();
    expect(await auditOf("allowlist.expired")).toHaveLength(0);

    // An instance that does not serve the allowlist's worker group (here: none) leaves its sinks alone.
    expect(await sweepExpiredAllowlistEntries(handle.db, after, () => false)).toEqual({ expired: 0, failed: 0 });
    expect(waf.entries.has(entry!.id)).toBe(true);
    expect(await sweepExpiredAllowlistEntries(handle.db, after, (group) => group === null)).toEqual({
      expired: 1,
      failed: 0,
    });
    expect(fileLines().slice(1)).toEqual(["deny all;"]);
    expect(waf.entries.size).toBe(0);
    const [expired] = await handle.db.select().from(allowlistEntries).where(eq(allowlistEntries.id, entry!.id));
    expect(expired).toMatchObject({ removalReason: "expired", removedBy: null });
    const audits = await auditOf("allowlist.expired");
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      actorLabel: "system",
      eventMeta: { entryId: entry!.id, cidr: "203.0.113.0/24" },
    });
    expect(await sweepExpiredAllowlistEntries(handle.db, after)).toEqual({ expired: 0, failed: 0 });
    expect(await auditOf("allowlist.expired")).toHaveLength(1);
  });
});

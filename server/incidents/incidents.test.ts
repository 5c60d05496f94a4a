import { randomUUID } from "node:crypto";
import { asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, incidentFollowUps, incidentNotes, incidents, runs } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { createTestEngine, installRunbook, type TestEngine } from "@/test/support/engine";
import { systemActor } from "../audit/actor";
import { saveTarget } from "../targets/commands";
import { errorOf } from "@/test/support/errors";
import { callerAs, createTestUser } from "@/test/support/users";
import { verifyAuditChain } from "../audit/verify";
import { toErrorEnvelope } from "../http/error-response";
import { groupTimeline } from "@/lib/incidents/timeline-groups";

/** The fields an error names, as the client receives them. */
const fields = (error: unknown): Record<string, string> =>
  toErrorEnvelope(error, "test").body.error.details?.fields ?? {};

const driver = process.env.TEST_DATABASE_URL ? "postgres" : "pglite";

let handle: TestDatabase;
let engine: TestEngine;

const fixRunbook = {
  id: "checkout-fix",
  title: "Fix checkout latency",
  summary: "Look, then check that checkout is healthy.",
  risk: "low",
  services: ["checkout"],
  tags: ["incident", "latency"],
  steps: [
    { id: "look", kind: "manual", title: "Look at the checkout dashboards", instructions: "Look at them." },
    { id: "healthy", kind: "check", title: "Checkout is healthy", check: "test.flag", input: { pass: true } },
  ],
};

beforeAll(async () => {
  handle = await createTestDatabase();
  engine = await createTestEngine(handle.db);
  await installRunbook(handle.db, fixRunbook);
  await installRunbook(handle.db, {
    ...fixRunbook,
    id: "payments-restart",
    title: "Restart payments",
    services: ["payments"],
    tags: ["restart"],
  });
  await installRunbook(handle.db, {
    ...fixRunbook,
    id: "latency-triage",
    title: "Triage latency",
    services: [],
    tags: ["latency"],
  });
});

afterAll(async () => {
  expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });
  await handle.drop();
});

async function person(role: "viewer" | "responder" | "lead" | "admin") {
  const { user } = await createTestUser(handle.db, { role });
  return { user, call: await callerAs(handle.db, user, engine) };
}

type Caller = Awaited<ReturnType<typeof person>>["call"];

async function declare(call: Caller, extra: Partial<Parameters<Caller["incidents"]["declare"]>[0]> = {}) {
  return call.incidents.declare({
    title: "Checkout is slow",
    severity: "SEV2",
    services: ["checkout"],
    tags: ["latency"],
    ...extra,
  });
}

/** Everything an incident command may write, to assert that a refused one wrote nothing. */
async function snapshot() {
  const [head] = await handle.db.select({ seq: sql<number>`coalesce(max(${auditEvents.seq}), 0)` }).from(auditEvents);
  return {
    incidents: await handle.db.select().from(incidents).orderBy(asc(incidents.number)),
    notes: await handle.db.select().from(incidentNotes).orderBy(asc(incidentNotes.id)),
    followUps: await handle.db.select().from(incidentFollowUps).orderBy(asc(incidentFollowUps.id)),
    runs: (await handle.db.select({ id: runs.id }).from(runs)).length,
    auditSeq: Number(head!.seq),
  };
}

async function incidentRow(id: string) {
  const [row] = await handle.db.select().from(incidents).where(eq(incidents.id, id));
  return row!;
}

async function auditOf(id: string) {
  return handle.db
    .select()
    .from(auditEvents)
    .where(sql`${auditEvents.entityType} = 'incident' and ${auditEvents.entityId} = ${id}`)
    .orderBy(asc(auditEvents.seq));
}

describe(`incidents (${driver})`, () => {
  it("declares an incident with the declarer as commander by default, audited", async () => {
    const { user, call } = await person("responder");
    const { incidentId, number } = await declare(call, { tags: ["Latency", "latency", "customers"] });
    const row = await incidentRow(incidentId);
    expect(row).toMatchObject({
      number,
      status: "investigating",
      severity: "SEV2",
      commanderId: user.id,
      declaredBy: user.id,
      services: ["checkout"],
      tags: ["customers", "latency"],
    });
    const [event] = await auditOf(incidentId);
    expect(event).toMatchObject({ eventType: "incident.declared", actorUserId: user.id, outcome: "success" });
    expect(event!.eventMeta).toMatchObject({
      incidentNumber: number,
      title: "Checkout is slow",
      severity: "SEV2",
      commanderId: user.id,
      commanderLabel: user.email,
    });
  });

  it("names another commander when asked, and refuses an unknown one, a viewer or an unknown service, changing nothing", async () => {
    const { call } = await person("responder");
    const other = await person("responder");
    const viewer = await person("viewer");
    const { incidentId } = await declare(call, { commanderId: other.user.id });
    expect((await incidentRow(incidentId)).commanderId).toBe(other.user.id);

    const before = await snapshot();
    const unknown = await errorOf(declare(call, { commanderId: randomUUID() }));
    expect(unknown.code).toBe("BAD_REQUEST");
    expect(fields(unknown).commanderId).toMatch(/no Keel user/);
    const asViewer = await errorOf(declare(call, { commanderId: viewer.user.id }));
    expect(fields(asViewer).commanderId).toMatch(/responder role/);
    const service = await errorOf(declare(call, { services: ["checkout", "no-such-service"] }));
    expect(fields(service).services).toMatch(/"no-such-service"/);
    const severity = await errorOf(declare(call, { severity: "SEV9" as "SEV1" }));
    expect(severity.message).toMatch(/severity/);
    expect(await snapshot()).toEqual(before);
  });

  it("lets viewers read everything but change nothing", async () => {
    const viewer = await person("viewer");
    const before = await snapshot();
    expect((await errorOf(declare(viewer.call))).code).toBe("FORBIDDEN");
    expect(await snapshot()).toEqual(before);
    expect((await viewer.call.incidents.list({ status: "all" })).length).toBeGreaterThan(0);

    const { call } = await person("responder");
    const { incidentId } = await declare(call);
    const { noteId } = await call.incidents.addNote({ incidentId, body: "A responder's note" });
    const { user: owner } = await createTestUser(handle.db, { role: "responder" });
    const beforeWrites = await snapshot();
    for (const attempt of [
      viewer.call.incidents.addNote({ incidentId, body: "A viewer's note" }),
      viewer.call.incidents.editNote({ noteId, body: "A viewer's edit" }),
      viewer.call.incidents.pinNote({ noteId, pinned: true }),
      viewer.call.incidents.changeStatus({ incidentId, status: "identified" }),
      viewer.call.incidents.reopen({ incidentId, reason: "because" }),
      viewer.call.incidents.addFollowUp({ incidentId, text: "Do something", ownerId: owner.id }),
      viewer.call.incidents.formOptions(),
      viewer.call.runs.start({ runbookId: "checkout-fix", inputs: {}, requestKey: randomUUID(), incidentId }),
    ]) {
      expect((await errorOf(attempt)).code).toBe("FORBIDDEN");
    }
    expect(await snapshot()).toEqual(beforeWrites);
    const view = await viewer.call.incidents.get({ incidentId });
    expect(view.can).toMatchObject({
      changeStatus: false,
      addNote: false,
      startRun: false,
      assignRoles: false,
      addFollowUp: false,
      nextStatuses: [],
    });
    expect((await viewer.call.incidents.timeline({ incidentId })).entries.map((e) => e.eventType)).toEqual([
      "incident.declared",
      "incident.note_added",
    ]);
  });

  it("moves investigating → identified → monitoring → back to investigating → resolved with a summary, each move audited", async () => {
    const { call } = await person("responder");
    const { incidentId } = await declare(call);
    for (const status of ["identified", "monitoring", "investigating"] as const)
      await call.incidents.changeStatus({ incidentId, status });
    await call.incidents.changeStatus({
      incidentId,
      status: "resolved",
      summary: "A bad release slowed checkout; rolled back.",
      impact: "Checkout took 8 s for 20 minutes.",
    });
    const row = await incidentRow(incidentId);
    expect(row).toMatchObject({
      status: "resolved",
      summary: "A bad release slowed checkout; rolled back.",
      impact: "Checkout took 8 s for 20 minutes.",
    });
    expect(row.resolvedAt).not.toBeNull();
    const moves = (await auditOf(incidentId))
      .filter((e) => e.eventType === "incident.status_changed")
      .map((e) => [e.eventMeta.from, e.eventMeta.to]);
    expect(moves).toEqual([
      ["investigating", "identified"],
      ["identified", "monitoring"],
      ["monitoring", "investigating"],
      ["investigating", "resolved"],
    ]);
  });

  it("refuses an invalid move, resolving without a summary and a note on a resolved incident, changing nothing", async () => {
    const { call } = await person("responder");
    const { incidentId } = await declare(call);
    let before = await snapshot();
    const same = await errorOf(call.incidents.changeStatus({ incidentId, status: "investigating" }));
    expect(same.message).toMatch(/already investigating/);
    const noSummary = await errorOf(call.incidents.changeStatus({ incidentId, status: "resolved" }));
    expect(noSummary.code).toBe("BAD_REQUEST");
    expect(noSummary.message).toMatch(/summary/);
    const blank = await errorOf(call.incidents.changeStatus({ incidentId, status: "resolved", summary: "          " }));
    expect(blank.message).toMatch(/summary/);
    expect(await snapshot()).toEqual(before);

    await call.incidents.changeStatus({
      incidentId,
      status: "resolved",
      summary: "It fixed itself after the cache warmed.",
    });
    before = await snapshot();
    const fromResolved = await errorOf(call.incidents.changeStatus({ incidentId, status: "monitoring" }));
    expect(fromResolved.code).toBe("CONFLICT");
    expect(fields(fromResolved).status).toMatch(/reopen/);
    const note = await errorOf(call.incidents.addNote({ incidentId, body: "One more thing" }));
    expect(fields(note).incidentId).toMatch(/resolved: reopen it/);
    const run = await errorOf(
      call.runs.start({ runbookId: "checkout-fix", inputs: {}, requestKey: randomUUID(), incidentId }),
    );
    expect(fields(run).incidentId).toMatch(/resolved/);
    const after = await snapshot();
    expect({ ...after, auditSeq: 0 }).toEqual({ ...before, auditSeq: 0 });
    // The refused start is itself recorded (as every refused start is), and nothing else.
    const refusals = await handle.db
      .select()
      .from(auditEvents)
      .where(sql`${auditEvents.seq} > ${before.auditSeq}`);
    expect(refusals.map((e) => e.eventType)).toEqual(["run.start_refused"]);

    // Reopening is the way back; then notes are welcome again.
    await call.incidents.reopen({ incidentId, reason: "Checkout is slow again" });
    expect((await incidentRow(incidentId)).status).toBe("investigating");
    await call.incidents.addNote({ incidentId, body: "Slow again since 10:40" });
    const events = (await auditOf(incidentId)).map((e) => e.eventType);
    expect(events.slice(-2)).toEqual(["incident.reopened", "incident.note_added"]);
    const reopenAgain = await errorOf(call.incidents.reopen({ incidentId, reason: "twice" }));
    expect(reopenAgain.code).toBe("CONFLICT");
  });

  it("refuses a run attached to an incident that does not exist", async () => {
    const { call } = await person("responder");
    const before = await snapshot();
    const error = await errorOf(
      call.runs.start({ runbookId: "checkout-fix", inputs: {}, requestKey: randomUUID(), incidentId: randomUUID() }),
    );
    expect(error.code).toBe("NOT_FOUND");
    expect(fields(error).incidentId).toMatch(/no incident/);
    expect(await snapshot()).toEqual(before);
  });

  it("reassigns commander and scribe: the commander, a lead or an admin may; another responder may not", async () => {
    const commander = await person("responder");
    const other = await person("responder");
    const lead = await person("lead");
    const admin = await person("admin");
    const viewer = await person("viewer");
    const { incidentId } = await declare(commander.call);

    let before = await snapshot();
    expect(
      (await errorOf(other.call.incidents.assignRole({ incidentId, role: "commander", userId: other.user.id }))).code,
    ).toBe("FORBIDDEN");
    expect(
      (await errorOf(viewer.call.incidents.assignRole({ incidentId, role: "scribe", userId: viewer.user.id }))).code,
    ).toBe("FORBIDDEN");
    const unknown = await errorOf(
      commander.call.incidents.assignRole({ incidentId, role: "commander", userId: randomUUID() }),
    );
    expect(fields(unknown).userId).toMatch(/no Keel user/);
    const empty = await errorOf(commander.call.incidents.assignRole({ incidentId, role: "commander", userId: null }));
    expect(fields(empty).userId).toMatch(/always has a commander/);
    expect(await snapshot()).toEqual(before);

    await commander.call.incidents.assignRole({ incidentId, role: "scribe", userId: other.user.id });
    await commander.call.incidents.assignRole({ incidentId, role: "commander", userId: other.user.id });
    // The old commander is not the commander any more.
    before = await snapshot();
    expect(
      (await errorOf(commander.call.incidents.assignRole({ incidentId, role: "commander", userId: commander.user.id })))
        .code,
    ).toBe("FORBIDDEN");
    expect(await snapshot()).toEqual(before);
    await lead.call.incidents.assignRole({ incidentId, role: "commander", userId: lead.user.id });
    await admin.call.incidents.assignRole({ incidentId, role: "scribe", userId: null });

    expect(await incidentRow(incidentId)).toMatchObject({ commanderId: lead.user.id, scribeId: null });
    const roles = (await auditOf(incidentId))
      .filter((e) => e.eventType === "incident.role_assigned")
      .map((e) => [e.actorLabel, e.eventMeta.role, e.eventMeta.fromLabel, e.eventMeta.toLabel]);
    expect(roles).toEqual([
      [commander.user.email, "scribe", null, other.user.email],
      [commander.user.email, "commander", commander.user.email, other.user.email],
      [lead.user.email, "commander", other.user.email, lead.user.email],
      [admin.user.email, "scribe", other.user.email, null],
    ]);
    const view = await viewer.call.incidents.get({ incidentId });
    expect(view.commander?.id).toBe(lead.user.id);
    expect(view.can.assignRoles).toBe(false);
  });

  it("never edits a note in place: an edit is a new note pointing at the old, which stays, superseded", async () => {
    const { user, call } = await person("responder");
    const other = await person("responder");
    const { incidentId } = await declare(call);
    const { noteId: first } = await call.incidents.addNote({ incidentId, body: "Error rate at 5%" });
    await call.incidents.pinNote({ noteId: first, pinned: true });
    const { noteId: second } = await other.call.incidents.editNote({ noteId: first, body: "Error rate at 15%" });

    const notes = await handle.db
      .select()
      .from(incidentNotes)
      .where(eq(incidentNotes.incidentId, incidentId))
      .orderBy(asc(incidentNotes.createdAt));
    expect(notes.map((n) => [n.id, n.body, n.supersedesId, n.authorId, n.pinned])).toEqual([
      [first, "Error rate at 5%", null, user.id, true],
      [second, "Error rate at 15%", first, other.user.id, true],
    ]);

    // Only the latest version can be edited or pinned; the same text is no edit.
    const before = await snapshot();
    const stale = await errorOf(call.incidents.editNote({ noteId: first, body: "Error rate at 25%" }));
    expect(fields(stale).noteId).toMatch(/already edited/);
    expect((await errorOf(call.incidents.editNote({ noteId: second, body: "Error rate at 15%" }))).message).toMatch(
      /exactly this/,
    );
    expect((await errorOf(call.incidents.pinNote({ noteId: first, pinned: false }))).message).toMatch(/edited since/);
    expect((await errorOf(call.incidents.pinNote({ noteId: second, pinned: true }))).message).toMatch(/already pinned/);
    expect((await errorOf(call.incidents.editNote({ noteId: randomUUID(), body: "x" }))).code).toBe("NOT_FOUND");
    expect(await snapshot()).toEqual(before);

    const { entries } = await call.incidents.timeline({ incidentId });
    const noteEntries = entries.filter((e) => e.note);
    expect(noteEntries.map((e) => [e.eventType, e.note!.body, e.note!.supersededById])).toEqual([
      ["incident.note_added", "Error rate at 5%", second],
      ["incident.note_edited", "Error rate at 15%", null],
    ]);
    expect(entries.find((e) => e.eventType === "incident.note_pinned")).toMatchObject({
      text: "Pinned a note",
      category: "note",
    });
    const view = await call.incidents.get({ incidentId });
    expect(view.pinnedNotes.map((n) => n.body)).toEqual(["Error rate at 15%"]);
    const edited = (await auditOf(incidentId)).find((e) => e.eventType === "incident.note_edited");
    expect(edited!.eventMeta).toMatchObject({ noteId: second, supersedesNoteId: first, body: "Error rate at 15%" });
  });

  it("merges the incident's own entries with those of its runs, in audit order, leaving other runs out", async () => {
    const { call } = await person("responder");
    const { incidentId } = await declare(call);
    const unrelated = await call.runs.start({ runbookId: "checkout-fix", inputs: {}, requestKey: randomUUID() });
    const run = await call.runs.start({ runbookId: "checkout-fix", inputs: {}, requestKey: randomUUID(), incidentId });
    await call.incidents.addNote({ incidentId, body: "p99 latency is 8 s" });
    await call.runs.confirm({ runId: run.runId, stepId: "look", note: "Dashboards show the new release" });
    await call.incidents.changeStatus({ incidentId, status: "identified" });
    await engine.drain();
    expect((await call.runs.get({ runId: run.runId })).status).toBe("succeeded");
    await call.incidents.addNote({ incidentId, body: "Checkout is fast again" });

    const { entries, truncated } = await call.incidents.timeline({ incidentId });
    expect(truncated).toBe(false);
    const seqs = entries.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(entries.every((e) => e.run === null || e.run.id === run.runId)).toBe(true);
    expect(entries.some((e) => e.run?.id === unrelated.runId)).toBe(false);
    const order = entries.map((e) => e.eventType);
    const at = (type: string, from = 0) => order.indexOf(type, from);
    expect(at("incident.declared")).toBe(0);
    expect(at("run.started")).toBeGreaterThan(at("incident.declared"));
    expect(at("incident.note_added")).toBeGreaterThan(at("run.started"));
    expect(at("step.confirmed")).toBeGreaterThan(at("incident.note_added"));
    expect(at("incident.status_changed")).toBeGreaterThan(at("step.confirmed"));
    expect(at("step.succeeded")).toBeGreaterThan(at("incident.status_changed"));
    expect(at("run.succeeded")).toBeGreaterThan(at("step.succeeded"));
    expect(at("incident.note_added", at("run.succeeded"))).toBeGreaterThan(at("run.succeeded"));
    // Times never go backwards either.
    const times = entries.map((e) => new Date(e.at).getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(entries.find((e) => e.eventType === "step.confirmed")).toMatchObject({
      category: "step",
      stepId: "look",
      run: { number: run.number, runbookId: "checkout-fix", runbookTitle: "Fix checkout latency", status: "succeeded" },
    });
    // The page folds the run's progress after the status change into one entry; notes and the status change stay on their own.
    expect(
      groupTimeline(entries).map((item) =>
        item.kind === "entry" ? item.entry.eventType : `run ${item.run.number}: ${item.entries.length} entries`,
      ),
    ).toEqual([
      "incident.declared",
      "run.started",
      "incident.note_added",
      "step.confirmed",
      "incident.status_changed",
      `run ${run.number}: 3 entries`,
      "incident.note_added",
    ]);
    expect(entries.find((e) => e.eventType === "incident.status_changed")).toMatchObject({
      category: "status",
      text: "Moved from investigating to identified",
    });

    const started = await handle.db
      .select()
      .from(auditEvents)
      .where(sql`${auditEvents.eventType} = 'run.started' and ${auditEvents.entityId} = ${run.runId}`);
    expect(started[0]!.eventMeta).toMatchObject({ incidentId });
    const view = await call.incidents.get({ incidentId });
    expect(view.runs.map((r) => [r.id, r.status])).toEqual([[run.runId, "succeeded"]]);
    expect((await call.runs.get({ runId: run.runId })).incident).toMatchObject({
      id: incidentId,
      title: "Checkout is slow",
    });
  });

  it("suggests the runbooks sharing a service or tag with the incident, service matches first", async () => {
    const { call } = await person("responder");
    const { incidentId } = await declare(call, { services: ["checkout"], tags: ["latency"] });
    const suggested = await call.incidents.suggestions({ incidentId });
    expect(suggested.map((r) => [r.id, r.matchedServices, r.matchedTags])).toEqual([
      ["checkout-fix", ["checkout"], ["latency"]],
      ["latency-triage", [], ["latency"]],
    ]);
    const { incidentId: payments } = await declare(call, { services: ["payments"], tags: [] });
    expect((await call.incidents.suggestions({ incidentId: payments })).map((r) => r.id)).toEqual(["payments-restart"]);
    const { incidentId: none } = await declare(call, { services: [], tags: ["unrelated"] });
    expect(await call.incidents.suggestions({ incidentId: none })).toEqual([]);
  });

  it("suggests a runbook whose service input takes the incident's service, though the runbook names no service", async () => {
    const { call } = await person("responder");
    await installRunbook(handle.db, {
      ...fixRunbook,
      id: "any-rollback",
      title: "Roll back a service",
      services: [],
      tags: ["deploy"],
      inputs: [{ name: "service", label: "Service", type: "ref", target: "service" }],
    });
    await saveTarget(
      handle.db,
      systemActor(),
      {
        kind: "service",
        name: "shop-web",
        config: {
          environment: "production",
          deployRepository: "/srv/deploy/shop-web.git",
          branch: "main",
          rollback: { strategy: "git" },
          health: { url: "http://127.0.0.1:9/healthz", consecutiveSuccesses: 1, intervalSeconds: 1, timeoutSeconds: 5 },
          allowedHosts: ["127.0.0.1"],
          allowPrivateNetwork: true,
        },
      },
      "admin",
    );
    const { incidentId } = await declare(call, { services: ["shop-web"], tags: [] });
    const suggested = await call.incidents.suggestions({ incidentId });
    expect(suggested.map((r) => [r.id, r.matchedServices, r.matchedInputs])).toEqual([
      ["any-rollback", [], [{ input: "service", label: "Service", service: "shop-web" }]],
    ]);
    // payments is named by a runbook but is no service target: the input cannot take it, so no suggestion from it.
    const { incidentId: payments } = await declare(call, { services: ["payments"], tags: [] });
    expect((await call.incidents.suggestions({ incidentId: payments })).map((r) => r.id)).toEqual(["payments-restart"]);
  });

  it("drafts a postmortem from the record: summary, impact, timeline, actions with outcomes and follow-ups", async () => {
    const { user, call } = await person("responder");
    const owner = await person("lead");
    const { incidentId, number } = await declare(call, { title: "Checkout is down" });
    const run = await call.runs.start({ runbookId: "checkout-fix", inputs: {}, requestKey: randomUUID(), incidentId });
    await call.runs.confirm({ runId: run.runId, stepId: "look" });
    await engine.drain();
    const { noteId } = await call.incidents.addNote({ incidentId, body: "Rolled back to 1.4.2", pinned: true });
    await call.incidents.editNote({ noteId, body: "Rolled back to 1.4.1" });
    await call.incidents.changeStatus({
      incidentId,
      status: "resolved",
      summary: "Release 1.4.3 broke checkout; rolled back.",
      impact: "No orders for 12 minutes.",
    });
    await call.incidents.addFollowUp({
      incidentId,
      text: "Add a checkout smoke test to the deploy pipeline",
      ownerId: owner.user.id,
    });

    const { markdown, fileName } = await call.incidents.postmortem({ incidentId });
    expect(fileName).toBe(`incident-${number}-postmortem.md`);
    expect(markdown).toContain(`# Postmortem draft: Incident ${number}, Checkout is down`);
    expect(markdown).toContain("- **Severity:** SEV2 (Major");
    expect(markdown).toContain(`- **Commander:** Test responder (${user.email})`);
    expect(markdown).toMatch(/## Summary\n\nRelease 1\.4\.3 broke checkout; rolled back\.\n/);
    expect(markdown).toMatch(/## Impact\n\nNo orders for 12 minutes\.\n/);
    expect(markdown).toContain(`Declared incident ${number} "Checkout is down" as SEV2 (Major)`);
    expect(markdown).toContain("**Pinned note:** Rolled back to 1.4.1 (edited)");
    expect(markdown).not.toContain("Rolled back to 1.4.2");
    expect(markdown).toContain(`Run ${run.number}: Marked look done`);
    expect(markdown).toContain(`- **Run ${run.number}: Fix checkout latency** (\`checkout-fix\`)`);
    expect(markdown).toMatch(/: Succeeded at /);
    expect(markdown).toContain("  - Look at the checkout dashboards: Done");
    expect(markdown).toContain("  - Checkout is healthy: Done");
    expect(markdown).toContain(
      `- [ ] Add a checkout smoke test to the deploy pipeline (owner: Test lead (${owner.user.email}))`,
    );
    const sections = [...markdown.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(sections).toEqual(["Summary", "Impact", "Timeline", "Actions taken", "Follow-ups"]);
    // Reading the draft is not an export; follow-ups are welcome after resolution.
    expect((await auditOf(incidentId)).some((e) => e.eventType === "incident.postmortem_exported")).toBe(false);
    expect((await auditOf(incidentId)).at(-1)).toMatchObject({ eventType: "incident.follow_up_added" });

    const before = await snapshot();
    const badOwner = await errorOf(
      call.incidents.addFollowUp({ incidentId, text: "Someone should do this", ownerId: randomUUID() }),
    );
    expect(fields(badOwner).ownerId).toMatch(/no Keel user/);
    expect(await snapshot()).toEqual(before);
  });

  it("lists active incidents first, most severe first, and filters by status", async () => {
    const { call } = await person("responder");
    const sev3 = await declare(call, { title: "Minor thing", severity: "SEV3" });
    const sev1 = await declare(call, { title: "Everything is down", severity: "SEV1" });
    const done = await declare(call, { title: "Old problem", severity: "SEV1" });
    await call.incidents.changeStatus({
      incidentId: done.incidentId,
      status: "resolved",
      summary: "It was fixed a while ago.",
    });
    const all = (await call.incidents.list({ status: "all" })).map((i) => i.id);
    expect(all.indexOf(sev1.incidentId)).toBeLessThan(all.indexOf(sev3.incidentId));
    expect(all.indexOf(sev3.incidentId)).toBeLessThan(all.indexOf(done.incidentId));
    const active = await call.incidents.list({ status: "active" });
    expect(active.every((i) => i.status !== "resolved")).toBe(true);
    const resolved = await call.incidents.list({ status: "resolved" });
    expect(resolved.map((i) => i.id)).toContain(done.incidentId);
    expect(resolved.every((i) => i.status === "resolved")).toBe(true);
  });
});

import { count, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, type User } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { errorOf } from "@/test/support/errors";
import { callerAs, contextFor, createTestUser } from "@/test/support/users";
import type { Actor } from "../audit/actor";
import { appendAuditEvent } from "../audit/append";
import { verifyExportLines } from "../audit/offline-verify";
import { verifyAuditChain } from "../audit/verify";
import { auditSigner } from "../audit/keys";
import { linkPendingAuditEvents } from "../audit/chainer";
import { toErrorEnvelope } from "../http/error-response";
import type { createCaller } from "../routers/_app";
import { chainStatus, resetChainStatus } from "./chain-status";
import { auditExportResponse } from "./export-response";

let handle: TestDatabase;
let admin: User;
let lead: User;
let alice: User; // a responder
let bob: User; // a viewer
let asBob: ReturnType<typeof createCaller>;
let asLead: ReturnType<typeof createCaller>;
let asAlice: ReturnType<typeof createCaller>;

const actorOf = (user: User): Actor => ({
  userId: user.id,
  label: user.email,
  sessionId: null,
  request: { ip: "198.51.100.4", userAgent: "vitest" },
});
const fields = (error: unknown) => toErrorEnvelope(error, "test").body.error.details?.fields;
const auditCount = async () => Number((await handle.db.select({ n: count() }).from(auditEvents))[0]!.n);
const RUN_ID = "5b0c3c2e-8a0e-4c41-9d55-7b9a1f0a2c11";

beforeAll(async () => {
  handle = await createTestDatabase();
  admin = (await createTestUser(handle.db, { role: "admin" })).user;
  lead = (await createTestUser(handle.db, { role: "lead" })).user;
  alice = (await createTestUser(handle.db, { role: "responder" })).user;
  bob = (await createTestUser(handle.db, { role: "viewer" })).user;
  for (const user of [alice, bob, lead]) {
    await appendAuditEvent(handle.db, actorOf(user), {
      eventType: "auth.signed_in",
      outcome: "success",
      entityType: "user",
      entityId: user.id,
      meta: { method: "password" },
    });
  }
  await appendAuditEvent(
    handle.db,
    { userId: null, label: "anonymous", sessionId: null, request: {} },
    { eventType: "auth.sign_in_failed", outcome: "failure", meta: { reason: "unknown_account" } },
  );
  await appendAuditEvent(handle.db, actorOf(alice), {
    eventType: "run.started",
    outcome: "success",
    entityType: "run",
    entityId: RUN_ID,
    meta: { runbookId: "rollback", runNumber: 7, inputs: { note: "Rolling back the Zebrafish release" } },
  });
  await appendAuditEvent(handle.db, actorOf(alice), {
    eventType: "step.failed",
    outcome: "failure",
    entityType: "run",
    entityId: RUN_ID,
    meta: { stepId: "health", error: "health check timed out after 300 s" },
  });
  await appendAuditEvent(handle.db, actorOf(admin), {
    eventType: "secret.created",
    outcome: "success",
    entityType: "secret",
    entityId: "billing-api-key",
    meta: { fingerprint: "hmac-sha256:0123456789abcdef0123456789abcdef" },
  });
  await appendAuditEvent(handle.db, actorOf(lead), {
    eventType: "user.role_changed",
    outcome: "success",
    entityType: "user",
    entityId: bob.id,
    meta: { email: bob.email, from: "viewer", to: "viewer" },
  });
  asBob = await callerAs(handle.db, bob);
  asLead = await callerAs(handle.db, lead);
  asAlice = await callerAs(handle.db, alice);
});
afterAll(async () => {
  expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });
  await handle.drop();
});

async function allPages(caller: ReturnType<typeof createCaller>, filters: Record<string, string>, limit = 2) {
  const seqs: number[] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<typeof caller.history.list>> = await caller.history.list({ filters, cursor, limit });
    seqs.push(...page.events.map((e) => e.seq));
    cursor = page.nextCursor;
  } while (cursor);
  return seqs;
}

describe("filters", () => {
  it("filter by actor, event type (exact and prefix), entity, outcome and time range, newest first", async () => {
    const byAlice = await asLead.history.list({ filters: { actor: alice.email.toUpperCase() } });
    expect(byAlice.events.map((e) => e.eventType)).toEqual(["step.failed", "run.started", "auth.signed_in"]);
    expect(
      (await asLead.history.list({ filters: { eventType: "run.started" } })).events.map((e) => e.entityId),
    ).toEqual([RUN_ID]);
    expect((await asLead.history.list({ filters: { eventType: "auth.*" } })).events.map((e) => e.eventType)).toEqual([
      "auth.sign_in_failed",
      "auth.signed_in",
      "auth.signed_in",
      "auth.signed_in",
    ]);
    expect((await asLead.history.list({ filters: { entityType: "run", entityId: RUN_ID } })).events).toHaveLength(2);
    expect((await asLead.history.list({ filters: { outcome: "failure" } })).events.map((e) => e.eventType)).toEqual([
      "step.failed",
      "auth.sign_in_failed",
    ]);
    const all = (await asLead.history.list({ filters: {} })).events;
    const [newest] = all;
    expect(all.map((e) => e.seq)).toEqual([...all.map((e) => e.seq)].sort((a, b) => b - a));
    const from = new Date(newest!.createdAt.getTime()).toISOString();
    const window = await asLead.history.list({
      filters: { from, to: new Date(newest!.createdAt.getTime() + 1).toISOString() },
    });
    expect(window.events.map((e) => e.seq)).toContain(newest!.seq);
    expect((await asLead.history.list({ filters: { to: "2000-01-01T00:00:00Z" } })).events).toEqual([]);
  });

  it("full-text search finds words in event details, types, actors and entities, by prefix", async () => {
    expect((await asBob.history.list({ filters: { q: "zebrafish" } })).events.map((e) => e.eventType)).toEqual([
      "run.started",
    ]);
    expect((await asBob.history.list({ filters: { q: "Zebra rolling" } })).events.map((e) => e.eventType)).toEqual([
      "run.started",
    ]);
    expect((await asBob.history.list({ filters: { q: "zebrafish timed" } })).events).toEqual([]);
    expect((await asBob.history.list({ filters: { q: "timed out" } })).events.map((e) => e.eventType)).toEqual([
      "step.failed",
    ]);
    expect((await asBob.history.list({ filters: { q: "billing-api-key" } })).events.map((e) => e.eventType)).toEqual([
      "secret.created",
    ]);
    expect(
      (await asBob.history.list({ filters: { q: "failed", outcome: "failure", actor: alice.email } })).events.map(
        (e) => e.eventType,
      ),
    ).toEqual(["step.failed"]);
    // Operators and quotes are only text.
    expect((await asBob.history.list({ filters: { q: "zebra' | !(x) & :*" } })).events.map((e) => e.eventType)).toEqual(
      [],
    );
    expect(fields(await errorOf(asBob.history.list({ filters: { q: "&|!" } })))).toEqual({
      "filters.q": "Search for at least one word with a letter or digit",
    });
  });

  it("the recorded event types are listed for the filter", async () => {
    expect(await asBob.history.eventTypes()).toEqual(
      expect.arrayContaining(["auth.signed_in", "run.started", "secret.created", "step.failed"]),
    );
  });
});

describe("bad input changes nothing and names the field", () => {
  it("refuses a time range that ends before it starts, an unknown outcome and a bad event type", async () => {
    const before = await auditCount();
    expect(
      fields(
        await errorOf(asBob.history.list({ filters: { from: "2026-12-01T10:00:00Z", to: "2026-12-01T09:00:00Z" } })),
      ),
    ).toEqual({
      "filters.to": "The end of the time range must be after its start",
    });
    expect(fields(await errorOf(asBob.history.list({ filters: { outcome: "maybe" as "success" } })))).toEqual({
      "filters.outcome": expect.stringContaining("Choose an outcome"),
    });
    expect(fields(await errorOf(asBob.history.list({ filters: { eventType: "run started; drop" } })))).toHaveProperty([
      "filters.eventType",
    ]);
    expect(fields(await errorOf(asBob.history.list({ filters: { entityId: RUN_ID } })))).toHaveProperty([
      "filters.entityType",
    ]);
    expect(await auditCount()).toBe(before);
  });
});

describe("keyset pagination", () => {
  it("pages through everything once, even while new rows arrive between pages", async () => {
    const snapshot = (await asLead.history.list({ filters: {}, limit: 200 })).events.map((e) => e.seq);
    const seen: number[] = [];
    let cursor: string | null = null;
    let page = 0;
    do {
      const result: Awaited<ReturnType<typeof asLead.history.list>> = await asLead.history.list({
        filters: {},
        cursor,
        limit: 3,
      });
      seen.push(...result.events.map((e) => e.seq));
      cursor = result.nextCursor;
      // Someone acts between the pages.
      await appendAuditEvent(handle.db, actorOf(alice), {
        eventType: "step.confirmed",
        outcome: "success",
        entityType: "run",
        entityId: RUN_ID,
        meta: { stepId: `s${page++}` },
      });
    } while (cursor);
    expect(seen).toEqual(snapshot);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("filtered pages continue the same view", async () => {
    const seqs = await allPages(asLead, { entityType: "run", entityId: RUN_ID }, 2);
    const rows = await handle.db
      .select({ seq: auditEvents.seq })
      .from(auditEvents)
      .where(eq(auditEvents.entityId, RUN_ID));
    expect(seqs).toEqual(rows.map((r) => Number(r.seq)).sort((a, b) => b - a));
  });

  it("refuses a tampered cursor, a forged one and one from another view, naming cursor", async () => {
    const first = await asLead.history.list({ filters: {}, limit: 2 });
    const cursor = first.nextCursor!;
    const [payload, mac] = cursor.split(".");
    const forged = Buffer.from(
      JSON.stringify({ v: 1, s: 3, f: JSON.parse(Buffer.from(payload!, "base64url").toString()).f }),
    ).toString("base64url");
    for (const bad of [
      `${forged}.${mac}`,
      `${payload}.${mac!.slice(0, -1)}${mac!.endsWith("A") ? "B" : "A"}`,
      "garbage",
      `${payload}`,
      `${payload}.${mac}.x`,
    ]) {
      const error = await errorOf(asLead.history.list({ filters: {}, cursor: bad }));
      expect(error.code).toBe("BAD_REQUEST");
      expect(Object.keys(fields(error) ?? {})).toEqual(["cursor"]);
    }
    expect(
      Object.keys(fields(await errorOf(asLead.history.list({ filters: { outcome: "success" }, cursor }))) ?? {}),
    ).toEqual(["cursor"]);
    expect(
      Object.keys(
        fields(await errorOf(asLead.history.timeline({ entityType: "run", entityId: RUN_ID, cursor }))) ?? {},
      ),
    ).toEqual(["cursor"]);
  });
});

describe("who sees sign-in events", () => {
  it("viewers and responders see only their own sign-ins; leads and admins see everyone's", async () => {
    const signIns = async (caller: ReturnType<typeof createCaller>) =>
      (await caller.history.list({ filters: { eventType: "auth.*" } })).events.map((e) => e.actorLabel).sort();
    expect(await signIns(asBob)).toEqual([bob.email]);
    expect(await signIns(asAlice)).toEqual([alice.email]);
    expect(await signIns(asLead)).toEqual(["anonymous", alice.email, bob.email, lead.email].sort());
    expect(await signIns(await callerAs(handle.db, admin))).toHaveLength(4);
    // Not through search, nor through another user's timeline, nor the export.
    expect((await asBob.history.list({ filters: { q: alice.email } })).events.map((e) => e.eventType)).not.toContain(
      "auth.signed_in",
    );
    expect((await asBob.history.timeline({ entityType: "user", entityId: alice.id })).events).toEqual([]);
    expect(
      (await asLead.history.timeline({ entityType: "user", entityId: alice.id })).events.map((e) => e.eventType),
    ).toEqual(["auth.signed_in"]);
    // Events about bob's account by someone else are bob's to see.
    expect(
      (await asBob.history.timeline({ entityType: "user", entityId: bob.id })).events.map((e) => e.eventType),
    ).toEqual(["user.role_changed", "auth.signed_in"]);
    const exported = await exportText(bob, "format=ndjson&eventType=auth.*");
    expect(
      exported
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).actorLabel),
    ).toEqual([bob.email]);
  });
});

async function exportText(user: User, query: string) {
  const ctx = await contextFor(handle.db, user);
  const response = await auditExportResponse(new Request(`http://keel.test/api/audit/export?${query}`), {
    session: async () => ctx.session,
    db: async () => handle.db,
  });
  expect(response.status).toBe(200);
  return response.text();
}

describe("export", () => {
  it("exports exactly the filtered view, with every chained field, and records the export", async () => {
    const filters = { entityType: "run", entityId: RUN_ID };
    const listed = await allPages(asAlice, filters, 50);
    const text = await exportText(alice, `format=ndjson&entityType=run&entityId=${RUN_ID}`);
    const rows = text
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(rows.map((r) => r.seq)).toEqual(listed);
    const stored = await handle.db.select().from(auditEvents).where(eq(auditEvents.seq, rows[0].seq));
    expect(rows[0]).toEqual({
      seq: rows[0].seq,
      id: stored[0]!.id,
      eventType: stored[0]!.eventType,
      actorUserId: stored[0]!.actorUserId,
      actorLabel: stored[0]!.actorLabel,
      sessionId: stored[0]!.sessionId,
      requestMeta: stored[0]!.requestMeta,
      eventMeta: stored[0]!.eventMeta,
      entityType: "run",
      entityId: RUN_ID,
      outcome: stored[0]!.outcome,
      createdAt: stored[0]!.createdAt.toISOString(),
      prevHash: null,
      hash: null,
      keyId: stored[0]!.keyId,
      signature: stored[0]!.signature,
    });
    const [started] = await handle.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.eventType, "audit.exported"))
      .orderBy(desc(auditEvents.seq))
      .limit(1);
    expect(started).toMatchObject({
      actorUserId: alice.id,
      outcome: "success",
      eventMeta: { filters, format: "ndjson" },
    });
    const [completed] = await handle.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.entityId, started!.entityId!))
      .orderBy(desc(auditEvents.seq))
      .limit(1);
    expect(completed).toMatchObject({
      entityId: started!.entityId,
      outcome: "success",
      eventMeta: { rows: rows.length, format: "ndjson" },
    });
  });

  it("an export verifies offline, and a modified one fails naming the row", async () => {
    const text = await exportText(lead, "format=ndjson");
    const lines = text.trim().split("\n");
    const result = await verifyExportLines(lines, "ndjson", auditSigner());
    expect(result).toMatchObject({ ok: true, rows: lines.length, signed: lines.length });
    const edited = [...lines];
    const row = JSON.parse(edited[2]!);
    edited[2] = JSON.stringify({ ...row, outcome: row.outcome === "success" ? "failure" : "success" });
    expect(await verifyExportLines(edited, "ndjson", auditSigner())).toEqual({
      ok: false,
      rows: 2,
      line: 3,
      seq: row.seq,
      problem: "its contents do not match Keel's signature: the row was edited",
    });
    // A signature copied from another row does not cover this row's contents.
    const swapped = [...lines];
    const other = JSON.parse(lines[1]!);
    swapped[2] = JSON.stringify({ ...row, signature: other.signature });
    expect(await verifyExportLines(swapped, "ndjson", auditSigner())).toMatchObject({
      ok: false,
      line: 3,
      seq: row.seq,
    });
    // A filtered export verifies row by row too.
    const filtered = (await exportText(lead, "format=ndjson&outcome=failure")).trim().split("\n");
    expect(await verifyExportLines(filtered, "ndjson", auditSigner())).toMatchObject({
      ok: true,
      rows: filtered.length,
      signed: filtered.length,
    });
  });

  it("CSV carries the same rows and verifies offline too (null and empty string kept apart)", async () => {
    const csv = await exportText(lead, "format=csv&q=zebrafish");
    const lines = csv.split("\r\n").filter(Boolean);
    expect(lines[0]).toBe(
      "seq,id,event_type,actor_user_id,actor_label,session_id,request_meta,event_meta,entity_type,entity_id,outcome,created_at,prev_hash,hash,key_id,signature",
    );
    expect(lines).toHaveLength(2);
    expect(await verifyExportLines(lines, "csv", auditSigner())).toMatchObject({ ok: true, rows: 1 });
    const all = (await exportText(lead, "format=csv")).split("\r\n").filter(Boolean);
    expect(await verifyExportLines(all, "csv", auditSigner())).toMatchObject({
      ok: true,
      rows: all.length - 1,
      signed: all.length - 1,
    });
    expect(
      await verifyExportLines([lines[0]!, lines[1]!.replace("Zebrafish", "Zebrafisk")], "csv", auditSigner()),
    ).toMatchObject({ ok: false, line: 2 });
  });

  it("refuses bad filters and formats with 400 naming the field, recording nothing", async () => {
    const ctx = await contextFor(handle.db, bob);
    const before = await auditCount();
    const call = (query: string) =>
      auditExportResponse(new Request(`http://keel.test/api/audit/export?${query}`), {
        session: async () => ctx.session,
        db: async () => handle.db,
      });
    for (const [query, field] of [
      ["format=xml", "format"],
      ["from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z", "to"],
      // A browser's datetime-local values, read as UTC.
      ["from=2026-12-02T00:00&to=2026-12-01T23:59", "to"],
      ["from=yesterday", "from"],
      ["outcome=maybe", "outcome"],
      ["q=%26%26", "q"],
    ] as const) {
      const response = await call(query);
      expect(response.status).toBe(400);
      expect(Object.keys((await response.json()).error.details.fields)).toEqual([field]);
    }
    expect(await auditCount()).toBe(before);
    expect(
      (await call("format=ndjson&from=2026-12-01T00:00&to=2099-01-01T00:00&eventType=user.role_changed")).status,
    ).toBe(200);
    const anonymous = await auditExportResponse(new Request("http://keel.test/api/audit/export"), {
      session: async () => null,
      db: async () => handle.db,
    });
    expect(anonymous.status).toBe(401);
  });

  it("counts as a read against the user's rate limit: 429 with Retry-After, and nothing exported", async () => {
    const { RateLimits } = await import("../security/rate-limits/rate-limits");
    const limits = new RateLimits({ handle, db: handle.db, isAllowlisted: async () => false });
    const ctx = await contextFor(handle.db, bob);
    for (let i = 0; i < 600; i += 50)
      await Promise.all(Array.from({ length: 50 }, () => limits.consume("read_user", bob.id, actorOf(bob))));
    const exportsBefore = (
      await handle.db.select({ n: count() }).from(auditEvents).where(eq(auditEvents.eventType, "audit.exported"))
    )[0]!.n;
    const response = await auditExportResponse(new Request("http://keel.test/api/audit/export?format=ndjson"), {
      session: async () => ctx.session,
      db: async () => handle.db,
      rateLimits: async () => limits,
    });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(
      (await handle.db.select({ n: count() }).from(auditEvents).where(eq(auditEvents.eventType, "audit.exported")))[0]!
        .n,
    ).toBe(exportsBefore);
  });

  it("streams in batches: the reader pulls one batch at a time", async () => {
    const { startAuditExport } = await import("./export");
    const stream = await startAuditExport(handle.db, actorOf(lead), lead, {}, "ndjson", 2);
    const reader = stream.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value).trim().split("\n")).toHaveLength(2);
    await reader.cancel();
    const completions = await handle.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.eventType, "audit.export_completed"));
    expect(completions.at(-1)).toMatchObject({
      outcome: "failure",
      eventMeta: { rows: 2, reason: "the client stopped reading" },
    });
  });
});

describe("chain banner", () => {
  it("verifies fully first, then incrementally from the newest verified row, and notices an edit", async () => {
    resetChainStatus(handle.db);
    await linkPendingAuditEvents(handle.db);
    let now = Date.now();
    const clock = () => now;
    const first = await chainStatus(handle.db, { now: clock });
    expect(first).toMatchObject({ ok: true, mode: "full", count: await auditCount() });
    expect(await chainStatus(handle.db, { now: clock })).toBe(first);
    await appendAuditEvent(handle.db, actorOf(alice), {
      eventType: "step.confirmed",
      outcome: "success",
      entityType: "run",
      entityId: RUN_ID,
      meta: { stepId: "late" },
    });
    now += 20_000;
    const second = await chainStatus(handle.db, { now: clock });
    expect(second).toMatchObject({ ok: true, mode: "incremental", count: await auditCount() });
    now += 11 * 60_000;
    // A full walk is due: the last good answer stands while it runs.
    expect(await chainStatus(handle.db, { now: clock })).toBe(second);
    const status = await (await callerAs(handle.db, bob)).history.chainStatus();
    expect(status).toMatchObject({ ok: true, seesOthersSignIns: false });
  });
});

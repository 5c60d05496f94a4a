import { fieldLabel } from "@/lib/validation/field-label";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checklistCheckResults,
  checklistItems,
  checklistNotices,
  checklistTemplates,
  checklistWaivers,
  type User,
} from "@/db/schema";
import { queryRows } from "@/db/execute";
import { addDays, todayUtc } from "@/lib/checklists/dates";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { createTestEngine, type TestEngine } from "@/test/support/engine";
import { errorOf } from "@/test/support/errors";
import { callerAs, createTestUser } from "@/test/support/users";
import { systemActor } from "../audit/actor";
import { verifyAuditChain } from "../audit/verify";
import { saveTarget } from "../targets/commands";
import { loadChecklistTemplates } from "./load";
import { getChecklist } from "./queries";
import { runItemCheck } from "./verify-item";
import { sweepChecklists } from "./sweep";

const driver = process.env.TEST_DATABASE_URL ? "postgres" : "pglite";
let handle: TestDatabase;
let engine: TestEngine;
let lead: User;
let lead2: User;
let responder: User;
let responder2: User;
let viewer: User;
type Caller = Awaited<ReturnType<typeof callerAs>>;
let asLead: Caller;
let asLead2: Caller;
let asResponder: Caller;
let asResponder2: Caller;
let asViewer: Caller;

/** A real HTTP server whose paths answer with the status and headers given. */
let site: { url: (p: string) => string; hits: string[]; close(): Promise<void> };
async function startSite(): Promise<typeof site> {
  const hits: string[] = [];
  const routes: Record<string, (res: ServerResponse) => void> = {
    "/secure": (res) =>
      res
        .writeHead(200, {
          "strict-transport-security": "max-age=63072000; includeSubDomains",
          "content-security-policy": "default-src 'self'",
        })
        .end("ok"),
    "/plain": (res) => res.writeHead(200, { "content-type": "text/plain" }).end("ok"),
    "/to-https": (res) => res.writeHead(301, { location: "https://example.test/" }).end(),
    "/to-secure": (res) => res.writeHead(302, { location: "/secure" }).end(),
    "/hang": () => {},
  };
  const server: Server = createServer((req: IncomingMessage, res) => {
    const p = (req.url ?? "/").split("?")[0]!;
    hits.push(p);
    (routes[p] ?? ((r: ServerResponse) => r.writeHead(404).end()))(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (p) => `http://127.0.0.1:${port}${p}`,
    hits,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const backupRoot = mkdtempSync(path.join(os.tmpdir(), "keel-checklist-backups-"));

beforeAll(async () => {
  handle = await createTestDatabase();
  engine = await createTestEngine(handle.db);
  await loadChecklistTemplates(handle.db, {
    directories: ["runbooks"],
    registry: engine.registry,
    actor: systemActor(),
  });
  lead = (await createTestUser(handle.db, { role: "lead" })).user;
  lead2 = (await createTestUser(handle.db, { role: "lead" })).user;
  responder = (await createTestUser(handle.db, { role: "responder" })).user;
  responder2 = (await createTestUser(handle.db, { role: "responder" })).user;
  viewer = (await createTestUser(handle.db, { role: "viewer" })).user;
  asLead = await callerAs(handle.db, lead, engine);
  asLead2 = await callerAs(handle.db, lead2, engine);
  asResponder = await callerAs(handle.db, responder, engine);
  asResponder2 = await callerAs(handle.db, responder2, engine);
  asViewer = await callerAs(handle.db, viewer, engine);
  site = await startSite();
}, 60_000);

afterAll(async () => {
  await site.close();
  expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });
  await handle.drop();
  rmSync(backupRoot, { recursive: true, force: true });
});

const launch = addDays(todayUtc(), 30);

async function newChecklist(
  templateId = "production-readiness",
  extra: { serviceUrl?: string; service?: string; launchDate?: string } = {},
) {
  return asLead.checklists.create({
    templateId,
    name: `Launch ${Math.random().toString(36).slice(2, 6)}`,
    service: extra.service ?? "shop",
    serviceUrl: extra.serviceUrl ?? "",
    launchDate: extra.launchDate ?? launch,
    ownerId: lead.id,
  });
}

async function itemsOf(checklistId: string) {
  return handle.db
    .select()
    .from(checklistItems)
    .where(eq(checklistItems.checklistId, checklistId))
    .orderBy(asc(checklistItems.position));
}

async function itemByKey(checklistId: string, key: string) {
  return (await itemsOf(checklistId)).find((item) => item.key === key)!;
}

/** Everything the checklist feature stores, to assert a refused call changed nothing. */
async function snapshot() {
  const tables = [
    "checklists",
    "checklist_items",
    "checklist_waivers",
    "checklist_comments",
    "checklist_notices",
    "checklist_check_results",
  ];
  const out: Record<string, unknown> = {};
  for (const table of tables)
    out[table] = await queryRows(handle.db, sql`select * from ${sql.identifier(table)} order by 1`);
  return JSON.stringify(out);
}

describe(`checklists (${driver})`, () => {
  it("loads the shipped templates as versions", async () => {
    const templates = await handle.db.select().from(checklistTemplates).orderBy(asc(checklistTemplates.id));
    expect(templates.map((t) => t.id)).toEqual([
      "hardening",
      "launch",
      "production-readiness",
      "service-hardening-review",
    ]);
    expect(templates.every((t) => t.currentVersionId)).toBe(true);
  });

  it("creates every item of the template with due dates from the priorities and the launch date", async () => {
    const { id } = await newChecklist();
    const items = await itemsOf(id);
    expect(items).toHaveLength(50);
    const due = (key: string) => items.find((i) => i.key === key)!.dueDate;
    expect(due("remove-exposed-secrets")).toBe(addDays(launch, -7)); // critical
    expect(due("backup-strategy")).toBe(addDays(launch, -3)); // high: 72 hours
    expect(due("load-testing")).toBe(addDays(launch, 7)); // medium: within a week
    expect(items.every((i) => i.status === "todo" && i.ownerId === null)).toBe(true);
    const view = await getChecklist(handle.db, lead.id, { checklistId: id });
    expect(view.gate).toMatchObject({ ready: false, label: "Not ready: 8 critical items open" });
    expect(view.template).toMatchObject({ id: "production-readiness", version: 1, isCurrent: true });
  });

  it("moves due dates with the launch date, except one a lead set by hand", async () => {
    const { id } = await newChecklist();
    const item = await itemByKey(id, "fix-cors");
    const pinned = addDays(todayUtc(), 2);
    await asLead.checklists.setDueDate({ itemId: item.id, dueDate: pinned });
    const newLaunch = addDays(launch, 10);
    expect(await asLead.checklists.update({ checklistId: id, launchDate: newLaunch })).toEqual({ movedDueDates: 49 });
    expect((await itemByKey(id, "remove-exposed-secrets")).dueDate).toBe(addDays(newLaunch, -7));
    expect((await itemByKey(id, "load-testing")).dueDate).toBe(addDays(newLaunch, 7));
    expect((await itemByKey(id, "fix-cors")).dueDate).toBe(pinned);
  });

  it("refuses bad input naming the field, and changes nothing", async () => {
    const { id } = await newChecklist();
    const item = await itemByKey(id, "fix-cors");
    const before = await snapshot();
    const refused = async (promise: Promise<unknown>, field: string) => {
      const error = await errorOf(promise);
      // The message names the field in words ("The launch date …"), never by its raw key ("launchDate: …").
      expect(error.message.toLowerCase()).toContain(fieldLabel(field).toLowerCase());
      expect(error.message).not.toMatch(new RegExp(`^${field}:`));
      expect(
        (error as { details?: { fields?: Record<string, string> } }).details?.fields ?? { [field]: "(zod)" },
      ).toHaveProperty(field);
    };
    await refused(asLead.checklists.setDueDate({ itemId: item.id, dueDate: addDays(todayUtc(), -1) }), "dueDate");
    await refused(
      asLead.checklists.create({
        templateId: "production-readiness",
        name: "Past",
        service: "shop",
        serviceUrl: "",
        launchDate: addDays(todayUtc(), -1),
        ownerId: lead.id,
      }),
      "launchDate",
    );
    await refused(
      asLead.checklists.create({
        templateId: "production-readiness",
        name: "Nobody",
        service: "shop",
        serviceUrl: "",
        launchDate: launch,
        ownerId: "00000000-0000-4000-8000-000000000000",
      }),
      "ownerId",
    );
    await refused(
      asLead.checklists.assign({
        checklistId: id,
        itemIds: [item.id],
        ownerId: "00000000-0000-4000-8000-000000000000",
      }),
      "ownerId",
    );
    const noReason = await errorOf(
      asResponder.checklists.requestWaiver({ itemId: item.id, reason: "  ", expiresAt: addDays(todayUtc(), 5) }),
    );
    expect(noReason.message).toMatch(/reason/i);
    const noExpiry = await errorOf(
      asResponder.checklists.requestWaiver({ itemId: item.id, reason: "TLS at the edge" } as never),
    );
    expect(noExpiry.message).toMatch(/expiresAt|expires|expiry/i);
    await refused(
      asResponder.checklists.requestWaiver({
        itemId: item.id,
        reason: "TLS at the edge",
        expiresAt: addDays(todayUtc(), -2),
      }),
      "expiresAt",
    );
    expect(await snapshot()).toBe(before);

    const { id: waiverId } = await asLead.checklists.requestWaiver({
      itemId: item.id,
      reason: "CORS is handled by the gateway",
      expiresAt: addDays(todayUtc(), 5),
    });
    const afterRequest = await snapshot();
    await refused(asLead.checklists.approveWaiver({ waiverId }), "waiverId");
    expect(await snapshot()).toBe(afterRequest);
    const [waiver] = await handle.db.select().from(checklistWaivers).where(eq(checklistWaivers.id, waiverId));
    expect(waiver!.status).toBe("requested");
    await asLead2.checklists.approveWaiver({ waiverId });
    expect(await itemByKey(id, "fix-cors")).toMatchObject({ status: "waived" });
  });

  it("enforces who may do what on the server", async () => {
    const { id } = await newChecklist();
    const item = await itemByKey(id, "fix-cors");
    await asLead.checklists.assign({ checklistId: id, itemIds: [item.id], ownerId: responder.id });
    expect((await errorOf(asViewer.checklists.updateItem({ itemId: item.id, status: "in_progress" }))).code).toBe(
      "FORBIDDEN",
    );
    expect((await errorOf(asResponder2.checklists.updateItem({ itemId: item.id, status: "done" }))).code).toBe(
      "FORBIDDEN",
    );
    expect(
      (await errorOf(asResponder.checklists.bindCheck({ itemId: item.id, verify: { probe: "audit-verify" } }))).code,
    ).toBe("FORBIDDEN");
    expect(
      (
        await errorOf(
          asResponder.checklists.create({
            templateId: "launch",
            name: "x",
            service: "x",
            serviceUrl: "",
            launchDate: launch,
            ownerId: lead.id,
          }),
        )
      ).code,
    ).toBe("FORBIDDEN");
    expect((await errorOf(asResponder.checklists.updateItem({ itemId: item.id, status: "not_applicable" }))).code).toBe(
      "FORBIDDEN",
    );
    await asResponder.checklists.updateItem({
      itemId: item.id,
      status: "in_progress",
      evidence: { kind: "note", note: "gateway config in review" },
    });
    await asResponder.checklists.comment({ itemId: item.id, body: "PR #12 open" });
    const stored = await itemByKey(id, "fix-cors");
    expect(stored).toMatchObject({
      status: "in_progress",
      evidence: { kind: "note", note: "gateway config in review" },
    });
    const history = await asViewer.checklists.history({ checklistId: id });
    expect(history[0]).toMatchObject({ eventType: "checklist.item_commented", actorLabel: responder.email });
    expect(history[1]).toMatchObject({
      eventType: "checklist.item_updated",
      meta: { itemId: item.id, changes: { status: { from: "todo", to: "in_progress" } } },
    });
    expect(history[2]).toMatchObject({
      eventType: "checklist.item_assigned",
      meta: { changes: { owner: { from: null, to: responder.email } } },
    });
    await asLead.checklists.assign({ checklistId: id, itemIds: [item.id], ownerId: responder2.id });
    expect((await asViewer.checklists.history({ checklistId: id }))[0]).toMatchObject({
      meta: { changes: { owner: { from: responder.email, to: responder2.email } } },
    });
    await asLead.checklists.assign({ checklistId: id, itemIds: [item.id], ownerId: responder.id });
  });

  it("bulk-assigns and filters by owner, section and status", async () => {
    const { id } = await newChecklist();
    const items = await itemsOf(id);
    const critical = items.filter((i) => i.priority === "critical").map((i) => i.id);
    const high = items.filter((i) => i.section.startsWith("Pre-Production: High")).map((i) => i.id);
    expect(await asLead.checklists.assign({ checklistId: id, itemIds: critical, ownerId: responder.id })).toEqual({
      changed: 8,
    });
    await asLead.checklists.assign({ checklistId: id, itemIds: high, ownerId: responder2.id });
    await asLead.checklists.setStatuses({ checklistId: id, itemIds: critical.slice(0, 3), status: "done" });
    expect((await asViewer.checklists.get({ checklistId: id, owner: responder.id })).items).toHaveLength(8);
    expect(
      (
        await asViewer.checklists.get({
          checklistId: id,
          owner: responder2.id,
          section: "Pre-Production: High (fix within 72 hours)",
        })
      ).items,
    ).toHaveLength(6);
    expect(
      (await asViewer.checklists.get({ checklistId: id, owner: responder.id, status: "done" })).items,
    ).toHaveLength(3);
    expect((await asViewer.checklists.get({ checklistId: id, owner: "unassigned" })).items).toHaveLength(50 - 14);
    const mine = await asResponder.checklists.myItems();
    expect(mine.items.filter((i) => i.checklistId === id)).toHaveLength(8);
  });

  it("waives an item on another lead's approval; the expired waiver reopens it and tells its owner", async () => {
    const { id } = await newChecklist();
    const item = await itemByKey(id, "https-everywhere");
    await asLead.checklists.assign({ checklistId: id, itemIds: [item.id], ownerId: responder.id });
    const { id: waiverId } = await asResponder.checklists.requestWaiver({
      itemId: item.id,
      reason: "TLS terminates at the load balancer",
      expiresAt: addDays(todayUtc(), 3),
    });
    await asLead.checklists.approveWaiver({ waiverId });
    expect((await itemByKey(id, "https-everywhere")).status).toBe("waived");
    const [approved] = await handle.db.select().from(checklistWaivers).where(eq(checklistWaivers.id, waiverId));
    expect(approved).toMatchObject({ status: "approved", decidedById: lead.id, requestedById: responder.id });

    // Before the expiry nothing happens; after it, the sweep reopens the item.
    expect((await sweepChecklists(handle.db, engine.registry, new Date())).expiredWaivers).toBe(0);
    const later = new Date(Date.now() + 4 * 86_400_000);
    expect((await sweepChecklists(handle.db, engine.registry, later)).expiredWaivers).toBe(1);
    expect((await sweepChecklists(handle.db, engine.registry, later)).expiredWaivers).toBe(0);
    expect(await itemByKey(id, "https-everywhere")).toMatchObject({ status: "todo" });
    const [expired] = await handle.db.select().from(checklistWaivers).where(eq(checklistWaivers.id, waiverId));
    expect(expired!.status).toBe("expired");
    const notices = await handle.db.select().from(checklistNotices).where(eq(checklistNotices.itemId, item.id));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      userId: responder.id,
      message: 'The waiver of "Enable HTTPS everywhere" expired; the item is open again (to do).',
    });
    const mine = await asResponder.checklists.myItems();
    expect(mine.notices.map((n) => n.message)).toContain(notices[0]!.message);
    expect((await asResponder.checklists.get({ checklistId: id })).notices).toHaveLength(1);
    await asResponder.checklists.dismissNotice({ noticeId: notices[0]!.id });
    expect((await asResponder.checklists.myItems()).notices.find((n) => n.id === notices[0]!.id)).toBeUndefined();
  });

  it("reaches Ready when the last critical item closes, and a stale confirmation opens the gate again", async () => {
    const { id } = await newChecklist();
    const items = await itemsOf(id);
    const critical = items.filter((i) => i.priority === "critical");
    await asLead.checklists.setStatuses({
      checklistId: id,
      itemIds: critical.slice(1).map((i) => i.id),
      status: "not_applicable",
    });
    expect((await asViewer.checklists.get({ checklistId: id })).gate).toMatchObject({
      ready: false,
      label: "Not ready: 1 critical item open",
      openCritical: [{ title: critical[0]!.title }],
    });
    await asLead.checklists.bindCheck({ itemId: critical[0]!.id, verify: null, reconfirmEveryDays: 10 });
    await asLead.checklists.updateItem({
      itemId: critical[0]!.id,
      status: "done",
      evidence: { kind: "link", url: "https://git.example.test/pr/1" },
    });
    expect((await asViewer.checklists.get({ checklistId: id })).gate).toMatchObject({ ready: true, label: "Ready" });

    const inEleven = new Date(Date.now() + 11 * 86_400_000);
    const stale = await getChecklist(handle.db, lead.id, { checklistId: id }, inEleven);
    expect(stale.items.find((i) => i.id === critical[0]!.id)).toMatchObject({
      status: "done",
      stale: true,
      closed: false,
    });
    expect(stale.gate.ready).toBe(false);
  });

  it("lists launches at risk: within 14 days and not ready", async () => {
    const soon = await newChecklist("launch", { launchDate: addDays(todayUtc(), 10) });
    const far = await newChecklist("launch", { launchDate: addDays(todayUtc(), 60) });
    const risk = await asViewer.checklists.atRisk();
    expect(risk.map((r) => r.id)).toContain(soon.id);
    expect(risk.map((r) => r.id)).not.toContain(far.id);
  });
});

describe(`items that verify themselves (${driver})`, () => {
  it("an HTTP probe passes with HSTS and a CSP, and blocks the item when the header is missing", async () => {
    const { id } = await newChecklist("production-readiness", { serviceUrl: site.url("") });
    const item = await itemByKey(id, "security-headers-implemented");
    await asLead.checklists.bindCheck({
      itemId: item.id,
      verify: {
        probe: "http",
        url: "{{serviceUrl}}/secure",
        expectStatus: 200,
        expectHeaders: [
          { name: "strict-transport-security", contains: "max-age" },
          { name: "content-security-policy" },
        ],
        timeoutSeconds: 5,
      },
    });
    const passed = await asResponder.checklists.runCheck({ itemId: item.id });
    expect(passed).toMatchObject({ passed: true, status: "done" });
    const [result] = await handle.db
      .select()
      .from(checklistCheckResults)
      .where(eq(checklistCheckResults.id, passed.resultId));
    expect(result).toMatchObject({
      passed: true,
      observed: { status: 200, headers: { "strict-transport-security": "max-age=63072000; includeSubDomains" } },
    });
    expect(await itemByKey(id, "security-headers-implemented")).toMatchObject({
      status: "done",
      evidence: { kind: "check", resultId: passed.resultId },
      lastCheckResultId: passed.resultId,
    });

    await asLead.checklists.bindCheck({
      itemId: item.id,
      verify: {
        probe: "http",
        url: "{{serviceUrl}}/plain",
        expectStatus: 200,
        expectHeaders: [{ name: "strict-transport-security" }],
        timeoutSeconds: 5,
      },
    });
    const failed = await asResponder.checklists.runCheck({ itemId: item.id });
    expect(failed).toMatchObject({ passed: false, status: "blocked" });
    const stored = await itemByKey(id, "security-headers-implemented");
    expect(stored.statusReason).toBe(`Check failed: ${site.url("/plain")} has no strict-transport-security header.`);
  });

  it("does not follow redirects, and gives up after its timeout", async () => {
    const { id } = await newChecklist("production-readiness", { serviceUrl: site.url("") });
    const item = await itemByKey(id, "health-checks");
    await asLead.checklists.bindCheck({
      itemId: item.id,
      verify: {
        probe: "http",
        url: "{{serviceUrl}}/to-secure",
        expectStatus: 200,
        expectHeaders: [],
        timeoutSeconds: 5,
      },
    });
    const hitsBefore = site.hits.length;
    const redirected = await asLead.checklists.runCheck({ itemId: item.id });
    expect(redirected.summary).toBe(
      `${site.url("/to-secure")} answered 302 (a redirect to /secure, not followed) instead of 200.`,
    );
    expect(site.hits.slice(hitsBefore)).toEqual(["/to-secure"]);

    await asLead.checklists.bindCheck({
      itemId: item.id,
      verify: { probe: "http", url: "{{serviceUrl}}/hang", expectStatus: 200, expectHeaders: [], timeoutSeconds: 1 },
    });
    const started = Date.now();
    const hung = await asLead.checklists.runCheck({ itemId: item.id });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(hung).toMatchObject({ passed: false, summary: `${site.url("/hang")} did not answer within 1s.` });
  });

  it("an HTTPS-redirect probe passes on a redirect to https:// and fails on a page served over HTTP", async () => {
    const { id } = await newChecklist("production-readiness", { serviceUrl: site.url("") });
    const item = await itemByKey(id, "https-enforced");
    await asLead.checklists.bindCheck({
      itemId: item.id,
      verify: { probe: "https-redirect", url: site.url("/to-https"), timeoutSeconds: 5 },
    });
    expect(await asLead.checklists.runCheck({ itemId: item.id })).toMatchObject({
      passed: true,
      summary: `${site.url("/to-https")} redirects with 301 to https://example.test/.`,
    });
    await asLead.checklists.bindCheck({
      itemId: item.id,
      verify: { probe: "https-redirect", url: site.url("/plain"), timeoutSeconds: 5 },
    });
    expect(await asLead.checklists.runCheck({ itemId: item.id })).toMatchObject({
      passed: false,
      status: "blocked",
      summary: `${site.url("/plain")} answered 200 over plain HTTP instead of redirecting to HTTPS.`,
    });
  });

  it("a backup-age probe reads the database target's newest backup", async () => {
    const directory = path.join(backupRoot, "shop");
    mkdirSync(directory, { recursive: true });
    await saveTarget(
      handle.db,
      systemActor(),
      {
        kind: "database",
        name: "shop-db",
        config: { driver: "embedded", dataDir: path.join(backupRoot, "data"), backupDirectory: directory },
      },
      "admin",
    );
    const { id } = await newChecklist("production-readiness", { service: "shop-db" });
    const item = await itemByKey(id, "backup-strategy");
    expect(await asLead.checklists.runCheck({ itemId: item.id })).toMatchObject({
      passed: false,
      summary: `shop-db has no backup in ${directory}.`,
    });

    const old = path.join(directory, "shop-db-20261101T000000Z-aaaa1111.sql");
    writeFileSync(old, "-- backup\n");
    const twoDaysAgo = new Date(Date.now() - 48 * 3_600_000);
    utimesSync(old, twoDaysAgo, twoDaysAgo);
    const tooOld = await asLead.checklists.runCheck({ itemId: item.id });
    expect(tooOld.passed).toBe(false);
    expect(tooOld.summary).toMatch(
      /^The newest backup of shop-db \(shop-db-20261101T000000Z-aaaa1111\.sql\) is 48(\.\d)? h old, more than 24 h\.$/,
    );

    writeFileSync(path.join(directory, "shop-db-20261201T000000Z-bbbb2222.sql"), "-- backup\n");
    expect(await asLead.checklists.runCheck({ itemId: item.id })).toMatchObject({ passed: true, status: "done" });
  });

  it("audit verify, runbook success, secret rotation and registered checks", async () => {
    const { id } = await newChecklist("launch");
    const audit = await itemByKey(id, "audit-events-working");
    expect(await asLead.checklists.runCheck({ itemId: audit.id })).toMatchObject({ passed: true, status: "done" });
    const rollback = await itemByKey(id, "rollback-tested");
    expect(await asLead.checklists.runCheck({ itemId: rollback.id })).toMatchObject({
      passed: false,
      summary: "No run of rollback succeeded in the last 30 days.",
    });
    const item = await itemByKey(id, "on-call-trained");
    await asLead.checklists.bindCheck({
      itemId: item.id,
      verify: { probe: "secret-rotated", secret: "keel-api-token-signing-key", withinDays: 90 },
    });
    expect((await asLead.checklists.runCheck({ itemId: item.id })).passed).toBe(false);
    await asLead.checklists.bindCheck({
      itemId: item.id,
      verify: { probe: "check", check: "test.flag", input: { pass: true } },
    });
    expect(await asLead.checklists.runCheck({ itemId: item.id })).toMatchObject({
      passed: true,
      summary: "flag is up",
    });
    await asLead.checklists.bindCheck({
      itemId: item.id,
      verify: { probe: "check", check: "test.flag", input: { pass: false } },
    });
    expect(await asLead.checklists.runCheck({ itemId: item.id })).toMatchObject({
      passed: false,
      status: "blocked",
      summary: "flag is down",
    });
    const unbound = await itemByKey(id, "traefik-labels");
    expect((await errorOf(asLead.checklists.runCheck({ itemId: unbound.id }))).message).toContain("has no check bound");
  });

  it("the sweep re-runs automated items whose result is stale, and leaves fresh ones alone", async () => {
    const { id } = await newChecklist("launch");
    const audit = await itemByKey(id, "audit-events-working"); // reconfirm every 7 days
    const first = await runItemCheck(handle.db, engine.registry, null, audit.id, new Date());
    expect(first.passed).toBe(true);
    const countResults = async () =>
      (await handle.db.select().from(checklistCheckResults).where(eq(checklistCheckResults.itemId, audit.id))).length;
    await sweepChecklists(handle.db, engine.registry, new Date(Date.now() + 86_400_000));
    expect(await countResults()).toBe(1);
    const inEightDays = new Date(Date.now() + 8 * 86_400_000);
    const swept = await sweepChecklists(handle.db, engine.registry, inEightDays);
    expect(swept.checksRan).toBeGreaterThanOrEqual(1);
    expect(await countResults()).toBe(2);
    const stored = await itemByKey(id, "audit-events-working");
    expect(stored.lastCheckedAt!.getTime()).toBe(inEightDays.getTime());
    expect(stored.confirmedAt!.getTime()).toBe(inEightDays.getTime());
    const view = await getChecklist(handle.db, lead.id, { checklistId: id }, inEightDays);
    expect(view.items.find((i) => i.id === audit.id)).toMatchObject({
      stale: false,
      lastResult: { passed: true, scheduled: true },
    });
  });
});

describe(`template versions (${driver})`, () => {
  it("a changed template file becomes a new version; checklists keep the version they were made from", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "keel-templates-"));
    mkdirSync(path.join(root, "books", "checklists"), { recursive: true });
    const file = path.join(root, "books", "checklists", "mini.yaml");
    const text = (title: string) =>
      `id: mini\ntitle: Mini\nsummary: A small one.\nsections:\n  - id: only\n    title: Only\n    priority: critical\n    items:\n      - id: one\n        title: ${title}\n`;
    writeFileSync(file, text("First edition"));
    await loadChecklistTemplates(handle.db, {
      root,
      directories: ["books"],
      registry: engine.registry,
      actor: systemActor(),
    });
    const { id: before } = await newChecklist("mini");
    writeFileSync(file, text("Second edition"));
    const summary = await loadChecklistTemplates(handle.db, {
      root,
      directories: ["books"],
      registry: engine.registry,
      actor: systemActor(),
    });
    expect(summary.loaded).toEqual(["books/checklists/mini.yaml"]);
    const { id: after } = await newChecklist("mini");
    expect((await itemsOf(before))[0]!.title).toBe("First edition");
    expect((await itemsOf(after))[0]!.title).toBe("Second edition");
    expect((await asViewer.checklists.get({ checklistId: before })).template).toMatchObject({
      version: 1,
      isCurrent: false,
    });
    expect((await asViewer.checklists.get({ checklistId: after })).template).toMatchObject({
      version: 2,
      isCurrent: true,
    });

    writeFileSync(
      file,
      "id: mini\ntitle: Mini\nsummary: x\nsections:\n  - id: only\n    title: Only\n    priority: urgent\n    items: []\n",
    );
    const broken = await loadChecklistTemplates(handle.db, {
      root,
      directories: ["books"],
      registry: engine.registry,
      actor: systemActor(),
    });
    expect(broken.invalid[0]!.problems.map((p) => `${p.line}:${p.column} ${p.message}`)).toEqual([
      "7:15 sections[0].priority: expected one of critical, high, medium, low",
      "8:12 sections[0].items: needs at least 1 item",
    ]);
    const [template] = await handle.db.select().from(checklistTemplates).where(eq(checklistTemplates.id, "mini"));
    expect((await asViewer.checklists.templates()).find((t) => t.id === "mini")?.version).toBe(2);
    expect(template!.currentVersionId).not.toBeNull();
    rmSync(root, { recursive: true, force: true });
  });
});

import { randomUUID } from "node:crypto";
import { asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/execute";
import { auditEvents, checklistItems, checklists, incidentFollowUps, type User } from "@/db/schema";
import { addDays, todayUtc } from "@/lib/checklists/dates";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { createTestEngine, type TestEngine } from "@/test/support/engine";
import { errorOf } from "@/test/support/errors";
import { callerAs, createTestUser } from "@/test/support/users";
import { systemActor } from "../audit/actor";
import { verifyAuditChain } from "../audit/verify";
import { loadChecklistTemplates } from "../checklists/load";
import { toErrorEnvelope } from "../http/error-response";

/** An incident follow-up becomes a readiness checklist item. */
const driver = process.env.TEST_DATABASE_URL ? "postgres" : "pglite";
const fields = (error: unknown): Record<string, string> =>
  toErrorEnvelope(error, "test").body.error.details?.fields ?? {};

let handle: TestDatabase;
let engine: TestEngine;
type Caller = Awaited<ReturnType<typeof callerAs>>;
let lead: User;
let responder: User;
let owner: User;
let asLead: Caller;
let asResponder: Caller;
let asViewer: Caller;

const launch = addDays(todayUtc(), 30);

beforeAll(async () => {
  handle = await createTestDatabase();
  engine = await createTestEngine(handle.db);
  await loadChecklistTemplates(handle.db, {
    directories: ["runbooks"],
    registry: engine.registry,
    actor: systemActor(),
  });
  lead = (await createTestUser(handle.db, { role: "lead" })).user;
  responder = (await createTestUser(handle.db, { role: "responder" })).user;
  owner = (await createTestUser(handle.db, { role: "responder" })).user;
  const viewer = (await createTestUser(handle.db, { role: "viewer" })).user;
  asLead = await callerAs(handle.db, lead, engine);
  asResponder = await callerAs(handle.db, responder, engine);
  asViewer = await callerAs(handle.db, viewer, engine);
}, 60_000);

afterAll(async () => {
  expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });
  await handle.drop();
});

async function newChecklist(ownerId = lead.id, launchDate = launch) {
  return asLead.checklists.create({
    templateId: "production-readiness",
    name: `Launch ${Math.random().toString(36).slice(2, 6)}`,
    service: "checkout",
    serviceUrl: "",
    launchDate,
    ownerId,
  });
}

/** An incident with one follow-up owned by `owner`. */
async function incidentWithFollowUp(text = "Alert on checkout p99 latency above 800 ms") {
  const { incidentId, number } = await asResponder.incidents.declare({
    title: "Checkout is slow",
    severity: "SEV2",
    services: [],
    tags: [],
  });
  const { followUpId } = await asResponder.incidents.addFollowUp({ incidentId, text, ownerId: owner.id });
  return { incidentId, number, followUpId, text };
}

async function snapshot() {
  const out: Record<string, unknown> = {};
  for (const table of ["incidents", "incident_follow_ups", "checklists", "checklist_items"])
    out[table] = await queryRows(handle.db, sql`select * from ${sql.identifier(table)} order by 1`);
  const [head] = await handle.db.select({ seq: sql<number>`coalesce(max(${auditEvents.seq}), 0)` }).from(auditEvents);
  out.auditSeq = Number(head!.seq);
  return JSON.stringify(out);
}

async function auditOf(entityType: string, entityId: string) {
  return handle.db
    .select()
    .from(auditEvents)
    .where(sql`${auditEvents.entityType} = ${entityType} and ${auditEvents.entityId} = ${entityId}`)
    .orderBy(asc(auditEvents.seq));
}

describe(`incident follow-ups tracked in checklists (${driver})`, () => {
  it("adds the follow-up as an item of 'Incident follow-ups', owned by its owner, due by the priority rule, audited on both", async () => {
    const checklist = await newChecklist();
    const before = await handle.db.select().from(checklistItems).where(eq(checklistItems.checklistId, checklist.id));
    const { incidentId, number, followUpId, text } = await incidentWithFollowUp();

    const result = await asLead.incidents.trackFollowUp({ followUpId, checklistId: checklist.id });

    const [item] = await handle.db.select().from(checklistItems).where(eq(checklistItems.id, result.itemId));
    expect(item).toMatchObject({
      checklistId: checklist.id,
      section: "Incident follow-ups",
      title: text,
      ownerId: owner.id,
      priority: "high",
      status: "todo",
      dueDate: addDays(launch, -3),
      dueOffsetDays: -3,
      dueDateOverridden: false,
      position: Math.max(...before.map((i) => i.position)) + 1,
    });
    expect(item!.description).toContain(`incident ${number}`);
    expect(item!.description).toContain(`/incidents/${incidentId}`);
    const [followUp] = await handle.db.select().from(incidentFollowUps).where(eq(incidentFollowUps.id, followUpId));
    expect(followUp!.checklistItemId).toBe(item!.id);

    // Both audit rows, in the same transaction (consecutive sequence numbers).
    const tracked = (await auditOf("incident", incidentId)).at(-1)!;
    const added = (await auditOf("checklist", checklist.id)).at(-1)!;
    expect(tracked).toMatchObject({ eventType: "incident.follow_up_tracked", outcome: "success" });
    expect(tracked.eventMeta).toMatchObject({
      incidentNumber: number,
      followUpId,
      checklistId: checklist.id,
      itemId: item!.id,
      priority: "high",
      dueDate: item!.dueDate,
      ownerLabel: owner.email,
    });
    expect(added).toMatchObject({ eventType: "checklist.item_added", outcome: "success" });
    expect(added.eventMeta).toMatchObject({
      before: null,
      itemId: item!.id,
      item: text,
      section: "Incident follow-ups",
      incidentId,
      incidentNumber: number,
      changes: {
        title: { from: null, to: text },
        owner: { from: null, to: owner.email },
        priority: { from: null, to: "high" },
        dueDate: { from: null, to: item!.dueDate },
      },
    });
    expect(Math.abs(Number(added.seq) - Number(tracked.seq))).toBe(1);

    // The incident page, its timeline and its postmortem say where it is tracked.
    const view = await asViewer.incidents.get({ incidentId });
    expect(view.followUps[0]!.tracked).toMatchObject({
      checklistId: checklist.id,
      itemId: item!.id,
      status: "todo",
      statusLabel: "To do",
    });
    const timeline = await asViewer.incidents.timeline({ incidentId });
    const entry = timeline.entries.find((e) => e.eventType === "incident.follow_up_tracked")!;
    expect(entry.category).toBe("follow_up");
    expect(entry.text).toMatch(
      new RegExp(
        `^Added follow-up "${text}" to checklist \\d+ ".+" as a high item for ${owner.email.replace(/[.]/g, "\\.")}, due `,
      ),
    );
    const postmortem = await asViewer.incidents.postmortem({ incidentId });
    expect(postmortem.markdown).toContain(`- [ ] ${text} (owner: `);
    expect(postmortem.markdown).toMatch(/tracked in checklist \d+ "Launch \w+": to do, high, due /);

    // The checklist shows it "From incident #N", in its history and in the owner's items.
    const page = await asViewer.checklists.get({ checklistId: checklist.id });
    expect(page.items.find((i) => i.id === item!.id)!.fromIncident).toEqual({
      id: incidentId,
      number,
      title: "Checkout is slow",
    });
    expect(page.sections.at(-1)).toEqual({ section: "Incident follow-ups", closed: 0, total: 1 });
    expect((await asViewer.checklists.history({ checklistId: checklist.id }))[0]).toMatchObject({
      eventType: "checklist.item_added",
    });
    const mine = await (await callerAs(handle.db, owner, engine)).checklists.myItems();
    expect(mine.items.map((i) => i.id)).toContain(item!.id);
  });

  it("counts a critical follow-up in the gate, and it works with filters, bulk assignment and status like template items", async () => {
    const checklist = await newChecklist();
    const { followUpId } = await incidentWithFollowUp("Add a circuit breaker in front of payments");
    const gateBefore = (await asLead.checklists.get({ checklistId: checklist.id })).gate;
    const { itemId, dueDate } = await asLead.incidents.trackFollowUp({
      followUpId,
      checklistId: checklist.id,
      priority: "critical",
    });
    expect(dueDate).toBe(addDays(launch, -7));

    const after = await asLead.checklists.get({ checklistId: checklist.id });
    expect(after.gate.openCritical.length).toBe(gateBefore.openCritical.length + 1);
    expect(after.gate.openCritical.map((i) => i.id)).toContain(itemId);
    expect(after.progress.total).toBe(
      (await handle.db.select().from(checklistItems).where(eq(checklistItems.checklistId, checklist.id))).length,
    );

    const filtered = await asLead.checklists.get({ checklistId: checklist.id, section: "Incident follow-ups" });
    expect(filtered.items.map((i) => i.id)).toEqual([itemId]);
    expect(
      (await asLead.checklists.get({ checklistId: checklist.id, owner: owner.id })).items.map((i) => i.id),
    ).toEqual([itemId]);

    await asLead.checklists.assign({ checklistId: checklist.id, itemIds: [itemId], ownerId: responder.id });
    await asResponder.checklists.updateItem({
      itemId,
      status: "done",
      evidence: { kind: "note", note: "Breaker deployed" },
    });
    const closed = await asLead.checklists.get({ checklistId: checklist.id });
    expect(closed.gate.openCritical.map((i) => i.id)).not.toContain(itemId);

    // A new launch date moves it like the template's items.
    await asLead.checklists.update({ checklistId: checklist.id, launchDate: addDays(launch, 10) });
    const [moved] = await handle.db.select().from(checklistItems).where(eq(checklistItems.id, itemId));
    expect(moved!.dueDate).toBe(addDays(launch, 3));
  });

  it("derives the due date from today when the launch is past", async () => {
    const checklist = await newChecklist();
    // The launch went by (time passed since the checklist was made).
    const past = addDays(todayUtc(), -5);
    await handle.db.update(checklists).set({ launchDate: past }).where(eq(checklists.id, checklist.id));
    const { followUpId } = await incidentWithFollowUp("Document the checkout failover");
    const { itemId } = await asLead.incidents.trackFollowUp({
      followUpId,
      checklistId: checklist.id,
      priority: "medium",
    });
    const [item] = await handle.db.select().from(checklistItems).where(eq(checklistItems.id, itemId));
    expect(item).toMatchObject({ dueDate: addDays(todayUtc(), 7), dueOffsetDays: 12, priority: "medium" });
  });

  it("adds a follow-up only once, and says where it already is", async () => {
    const checklist = await newChecklist();
    const other = await newChecklist();
    const { followUpId } = await incidentWithFollowUp("Rotate the checkout database password");
    await asLead.incidents.trackFollowUp({ followUpId, checklistId: checklist.id });
    const before = await snapshot();
    const again = await errorOf(asLead.incidents.trackFollowUp({ followUpId, checklistId: other.id }));
    expect(again.code).toBe("CONFLICT");
    expect(fields(again).followUpId).toMatch(/already tracked in checklist "Launch \w+".*only once/);
    expect(await snapshot()).toBe(before);
  });

  it("lets a responder add to a checklist they own, not to someone else's; a viewer cannot at all", async () => {
    const theirs = await newChecklist(responder.id);
    const leads = await newChecklist(lead.id);
    const { incidentId, followUpId } = await incidentWithFollowUp("Load-test checkout before the next sale");

    const view = await asResponder.incidents.get({ incidentId });
    expect(view.checklistChoices.map((c) => c.id)).toContain(theirs.id);
    expect(view.checklistChoices.map((c) => c.id)).not.toContain(leads.id);
    expect((await asViewer.incidents.get({ incidentId })).can.trackFollowUp).toBe(false);

    const before = await snapshot();
    const notOwner = await errorOf(asResponder.incidents.trackFollowUp({ followUpId, checklistId: leads.id }));
    expect(notOwner.code).toBe("FORBIDDEN");
    expect(fields(notOwner).checklistId).toMatch(/Only a lead or the owner of checklist/);
    const viewer = await errorOf(asViewer.incidents.trackFollowUp({ followUpId, checklistId: theirs.id }));
    expect(viewer.code).toBe("FORBIDDEN");
    expect(await snapshot()).toBe(before);

    const { itemId } = await asResponder.incidents.trackFollowUp({
      followUpId,
      checklistId: theirs.id,
      priority: "low",
    });
    const [item] = await handle.db.select().from(checklistItems).where(eq(checklistItems.id, itemId));
    expect(item).toMatchObject({
      checklistId: theirs.id,
      ownerId: owner.id,
      priority: "low",
      dueDate: addDays(launch, 30),
    });
  });

  it("refuses an unknown checklist or follow-up, a bad priority, and a disabled owner, changing nothing", async () => {
    const checklist = await newChecklist();
    const { incidentId, followUpId } = await incidentWithFollowUp("Page the payments team on checkout errors");
    const before = await snapshot();

    const unknownChecklist = await errorOf(asLead.incidents.trackFollowUp({ followUpId, checklistId: randomUUID() }));
    expect(unknownChecklist.code).toBe("NOT_FOUND");
    expect(fields(unknownChecklist).checklistId).toMatch(/no checklist with this id/);

    const unknownFollowUp = await errorOf(
      asLead.incidents.trackFollowUp({ followUpId: randomUUID(), checklistId: checklist.id }),
    );
    expect(unknownFollowUp.code).toBe("NOT_FOUND");
    expect(fields(unknownFollowUp).followUpId).toMatch(/no follow-up/);

    const badPriority = await errorOf(
      asLead.incidents.trackFollowUp({ followUpId, checklistId: checklist.id, priority: "urgent" as "high" }),
    );
    expect(badPriority.code).toBe("BAD_REQUEST");
    expect(fields(badPriority).priority).toMatch(/critical, high, medium or low/);

    const notAChecklist = await errorOf(asLead.incidents.trackFollowUp({ followUpId, checklistId: "checkout" }));
    expect(fields(notAChecklist).checklistId).toMatch(/Choose a checklist/);
    expect(await snapshot()).toBe(before);

    const gone = (await createTestUser(handle.db, { role: "responder" })).user;
    const { followUpId: orphan } = await asResponder.incidents.addFollowUp({
      incidentId,
      text: "Write the runbook for a checkout failover",
      ownerId: gone.id,
    });
    await handle.db.execute(sql`update users set disabled_at = now() where id = ${gone.id}`);
    const beforeDisabled = await snapshot();
    const disabled = await errorOf(asLead.incidents.trackFollowUp({ followUpId: orphan, checklistId: checklist.id }));
    expect(fields(disabled).followUpId).toMatch(/owner is disabled/);
    expect(await snapshot()).toBe(beforeDisabled);
  });
});

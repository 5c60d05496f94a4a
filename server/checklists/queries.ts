import { and, asc, desc, eq, inArray, isNull } from "drizzle-orm";
import type { z } from "zod";
import type { Queryable } from "@/db/client";
import {
  auditEvents,
  checklistCheckResults,
  checklistComments,
  checklistItems,
  checklistNotices,
  checklists,
  checklistTemplates,
  checklistTemplateVersions,
  checklistWaivers,
  incidentFollowUps,
  incidents,
  users,
  type ChecklistItem,
} from "@/db/schema";
import { daysBetween, todayUtc } from "@/lib/checklists/dates";
import type { itemFilterInput } from "@/lib/checklists/inputs";
import { describeProbe } from "@/lib/checklists/probes";
import { gateOf, isClosed, isOverdue, isStale, progressOf, sectionProgress } from "@/lib/checklists/readiness";
import { appendAuditEvent } from "../audit/append";
import type { Actor } from "../audit/actor";
import { AppError } from "../errors";
import { requireChecklist } from "./access";
import { fillProbe } from "./probes";

/** How an item's check names the service URL while the checklist has none (never a raw `{{serviceUrl}}`). */
const SERVICE_URL_NOT_SET = "[service URL not set yet]";

/** Launches this close with an unready gate are at risk. */
export const AT_RISK_WITHIN_DAYS = 14;

export async function listTemplates(db: Queryable) {
  const rows = await db
    .select({
      id: checklistTemplates.id,
      title: checklistTemplates.title,
      summary: checklistTemplates.summary,
      version: checklistTemplateVersions.number,
      definition: checklistTemplateVersions.definition,
    })
    .from(checklistTemplates)
    .innerJoin(checklistTemplateVersions, eq(checklistTemplateVersions.id, checklistTemplates.currentVersionId))
    .orderBy(asc(checklistTemplates.title));
  return rows.map(({ definition, ...row }) => ({
    ...row,
    items: definition.sections.reduce((n, s) => n + s.items.length, 0),
    sections: definition.sections.map((s) => s.title),
  }));
}

/** Active people who can own checklists and items. */
export async function listPeople(db: Queryable) {
  return db
    .select({ id: users.id, name: users.name, email: users.email, role: users.role })
    .from(users)
    .where(isNull(users.disabledAt))
    .orderBy(asc(users.name), asc(users.email));
}

async function namesOf(db: Queryable, ids: (string | null)[]) {
  const unique = [...new Set(ids.filter((id): id is string => id !== null))];
  if (unique.length === 0) return new Map<string, { name: string; email: string }>();
  const rows = await db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(inArray(users.id, unique));
  return new Map(rows.map((row) => [row.id, { name: row.name, email: row.email }]));
}

function summarize(items: ChecklistItem[], now: Date) {
  const gate = gateOf(items, now);
  const overdue = items.filter((item) => isOverdue(item, now));
  return {
    progress: progressOf(items, now),
    gate,
    overdueCount: overdue.length,
    overdueCritical: overdue.filter((item) => item.priority === "critical").length,
  };
}

export async function listChecklists(db: Queryable, now = new Date()) {
  const rows = await db
    .select({
      checklist: checklists,
      template: checklistTemplates.title,
      templateVersion: checklistTemplateVersions.number,
    })
    .from(checklists)
    .innerJoin(checklistTemplateVersions, eq(checklistTemplateVersions.id, checklists.templateVersionId))
    .innerJoin(checklistTemplates, eq(checklistTemplates.id, checklistTemplateVersions.templateId))
    .orderBy(asc(checklists.launchDate), asc(checklists.number));
  if (rows.length === 0) return [];
  const items = await db
    .select()
    .from(checklistItems)
    .where(
      inArray(
        checklistItems.checklistId,
        rows.map((r) => r.checklist.id),
      ),
    );
  const owners = await namesOf(
    db,
    rows.map((r) => r.checklist.ownerId),
  );
  return rows.map(({ checklist, template, templateVersion }) => ({
    id: checklist.id,
    number: checklist.number,
    name: checklist.name,
    service: checklist.service,
    launchDate: checklist.launchDate,
    daysToLaunch: daysBetween(todayUtc(now), checklist.launchDate),
    owner: owners.get(checklist.ownerId)?.name ?? "—",
    template,
    templateVersion,
    ...summarize(
      items.filter((item) => item.checklistId === checklist.id),
      now,
    ),
  }));
}

/** Checklists whose launch is within 14 days with the gate not ready, or with overdue critical items. */
export async function launchesAtRisk(db: Queryable, now = new Date()) {
  return (await listChecklists(db, now))
    .filter((c) => (c.daysToLaunch <= AT_RISK_WITHIN_DAYS && !c.gate.ready) || c.overdueCritical > 0)
    .map((c) => ({
      id: c.id,
      name: c.name,
      service: c.service,
      launchDate: c.launchDate,
      daysToLaunch: c.daysToLaunch,
      gate: c.gate.label,
      ready: c.gate.ready,
      overdueCritical: c.overdueCritical,
    }));
}

async function itemViews(
  db: Queryable,
  items: ChecklistItem[],
  now: Date,
  fill: (item: ChecklistItem) => { service: string; serviceUrl: string },
) {
  const ids = items.map((item) => item.id);
  const people = await namesOf(
    db,
    items.map((item) => item.ownerId),
  );
  const resultIds = items.map((item) => item.lastCheckResultId).filter((id): id is string => id !== null);
  const results =
    resultIds.length > 0
      ? await db.select().from(checklistCheckResults).where(inArray(checklistCheckResults.id, resultIds))
      : [];
  const waivers =
    ids.length > 0
      ? await db
          .select()
          .from(checklistWaivers)
          .where(
            and(inArray(checklistWaivers.itemId, ids), inArray(checklistWaivers.status, ["requested", "approved"])),
          )
      : [];
  const waiverPeople = await namesOf(
    db,
    waivers.flatMap((w) => [w.requestedById, w.decidedById]),
  );
  const comments =
    ids.length > 0
      ? await db
          .select()
          .from(checklistComments)
          .where(inArray(checklistComments.itemId, ids))
          .orderBy(asc(checklistComments.createdAt))
      : [];
  const commenters = await namesOf(
    db,
    comments.map((c) => c.authorId),
  );
  // Items that were an incident's follow-up link back to it.
  const origins =
    ids.length > 0
      ? await db
          .select({
            itemId: incidentFollowUps.checklistItemId,
            incidentId: incidents.id,
            incidentNumber: incidents.number,
            incidentTitle: incidents.title,
          })
          .from(incidentFollowUps)
          .innerJoin(incidents, eq(incidents.id, incidentFollowUps.incidentId))
          .where(inArray(incidentFollowUps.checklistItemId, ids))
      : [];
  return items.map((item) => {
    const origin = origins.find((o) => o.itemId === item.id);
    const result = results.find((r) => r.id === item.lastCheckResultId) ?? null;
    return {
      id: item.id,
      key: item.key,
      section: item.section,
      title: item.title,
      description: item.description,
      priority: item.priority,
      status: item.status,
      statusReason: item.statusReason,
      dueDate: item.dueDate,
      dueDateOverridden: item.dueDateOverridden,
      ownerId: item.ownerId,
      owner: item.ownerId ? (people.get(item.ownerId) ?? null) : null,
      evidence: item.evidence,
      verify: item.verify,
      verifyLabel: item.verify ? describeProbe(fillProbe(item.verify, fill(item))) : null,
      reconfirmEveryDays: item.reconfirmEveryDays,
      confirmedAt: item.confirmedAt,
      lastCheckedAt: item.lastCheckedAt,
      lastResult: result
        ? {
            id: result.id,
            checked: result.checked,
            passed: result.passed,
            summary: result.summary,
            observed: result.observed,
            ranAt: result.ranAt,
            scheduled: result.ranById === null,
          }
        : null,
      stale: isStale(item, now),
      closed: isClosed(item, now),
      overdue: isOverdue(item, now),
      waivers: waivers
        .filter((w) => w.itemId === item.id)
        .map((w) => ({
          id: w.id,
          status: w.status,
          reason: w.reason,
          expiresAt: w.expiresAt,
          requestedById: w.requestedById,
          requestedBy: waiverPeople.get(w.requestedById)?.name ?? "—",
          decidedBy: w.decidedById ? (waiverPeople.get(w.decidedById)?.name ?? "—") : null,
        })),
      comments: comments
        .filter((c) => c.itemId === item.id)
        .map((c) => ({
          id: c.id,
          body: c.body,
          author: commenters.get(c.authorId)?.name ?? "—",
          createdAt: c.createdAt,
        })),
      fromIncident: origin
        ? { id: origin.incidentId, number: origin.incidentNumber, title: origin.incidentTitle }
        : null,
    };
  });
}

export async function getChecklist(
  db: Queryable,
  userId: string,
  input: z.infer<typeof itemFilterInput>,
  now = new Date(),
) {
  const checklist = await requireChecklist(db, input.checklistId);
  const [version] = await db
    .select({
      number: checklistTemplateVersions.number,
      templateId: checklistTemplateVersions.templateId,
      title: checklistTemplates.title,
      currentVersionId: checklistTemplates.currentVersionId,
    })
    .from(checklistTemplateVersions)
    .innerJoin(checklistTemplates, eq(checklistTemplates.id, checklistTemplateVersions.templateId))
    .where(eq(checklistTemplateVersions.id, checklist.templateVersionId));
  const items = await db
    .select()
    .from(checklistItems)
    .where(eq(checklistItems.checklistId, checklist.id))
    .orderBy(asc(checklistItems.position));
  const filtered = items.filter(
    (item) =>
      (input.owner === undefined ||
        (input.owner === "unassigned" ? item.ownerId === null : item.ownerId === input.owner)) &&
      (input.section === undefined || item.section === input.section) &&
      (input.status === undefined || item.status === input.status),
  );
  const owner = (await namesOf(db, [checklist.ownerId])).get(checklist.ownerId);
  const notices = await db
    .select()
    .from(checklistNotices)
    .where(
      and(
        eq(checklistNotices.userId, userId),
        eq(checklistNotices.checklistId, checklist.id),
        isNull(checklistNotices.readAt),
      ),
    )
    .orderBy(desc(checklistNotices.createdAt));
  const views = await itemViews(db, filtered, now, () => ({
    service: checklist.service,
    serviceUrl: checklist.serviceUrl || SERVICE_URL_NOT_SET,
  }));
  const gate = gateOf(items, now);
  return {
    checklist: {
      id: checklist.id,
      number: checklist.number,
      name: checklist.name,
      service: checklist.service,
      serviceUrl: checklist.serviceUrl,
      launchDate: checklist.launchDate,
      ownerId: checklist.ownerId,
      owner: owner?.name ?? "—",
      createdAt: checklist.createdAt,
      daysToLaunch: daysBetween(todayUtc(now), checklist.launchDate),
    },
    template: {
      id: version!.templateId,
      title: version!.title,
      version: version!.number,
      isCurrent: version!.currentVersionId === checklist.templateVersionId,
    },
    progress: progressOf(items, now),
    sections: sectionProgress(items, now),
    gate,
    overdue: items
      .filter((item) => isOverdue(item, now))
      .map((item) => ({ id: item.id, title: item.title, dueDate: item.dueDate, priority: item.priority })),
    items: views,
    filtered: filtered.length !== items.length,
    notices: notices.map((n) => ({ id: n.id, message: n.message, createdAt: n.createdAt })),
  };
}

/** Items a person owns on every checklist, open ones first, with their unread notices. */
export async function myItems(db: Queryable, userId: string, now = new Date()) {
  const items = await db
    .select()
    .from(checklistItems)
    .where(eq(checklistItems.ownerId, userId))
    .orderBy(asc(checklistItems.dueDate), asc(checklistItems.position));
  const lists =
    items.length > 0
      ? await db
          .select({
            id: checklists.id,
            name: checklists.name,
            service: checklists.service,
            serviceUrl: checklists.serviceUrl,
          })
          .from(checklists)
          .where(inArray(checklists.id, [...new Set(items.map((i) => i.checklistId))]))
      : [];
  const views = await itemViews(db, items, now, (item) => {
    const list = lists.find((l) => l.id === item.checklistId);
    return { service: list?.service ?? "", serviceUrl: list?.serviceUrl || SERVICE_URL_NOT_SET };
  });
  const notices = await db
    .select({
      id: checklistNotices.id,
      message: checklistNotices.message,
      createdAt: checklistNotices.createdAt,
      checklistId: checklistNotices.checklistId,
    })
    .from(checklistNotices)
    .where(and(eq(checklistNotices.userId, userId), isNull(checklistNotices.readAt)))
    .orderBy(desc(checklistNotices.createdAt));
  return {
    items: views
      .map((view, index) => ({
        ...view,
        checklistId: items[index]!.checklistId,
        checklist: lists.find((l) => l.id === items[index]!.checklistId)?.name ?? "—",
      }))
      .sort((a, b) => Number(a.closed) - Number(b.closed)),
    notices,
  };
}

/** Every change to a checklist, from the audit trail, newest first. */
export async function checklistHistory(db: Queryable, checklistId: string) {
  await requireChecklist(db, checklistId);
  const rows = await db
    .select({
      seq: auditEvents.seq,
      eventType: auditEvents.eventType,
      actorLabel: auditEvents.actorLabel,
      meta: auditEvents.eventMeta,
      createdAt: auditEvents.createdAt,
      outcome: auditEvents.outcome,
    })
    .from(auditEvents)
    .where(and(eq(auditEvents.entityType, "checklist"), eq(auditEvents.entityId, checklistId)))
    .orderBy(desc(auditEvents.seq))
    .limit(500);
  return rows.map((row) => ({ ...row, seq: Number(row.seq) }));
}

export async function dismissNotice(
  db: Queryable,
  actor: Actor & { userId: string },
  noticeId: string,
  now = new Date(),
): Promise<{ dismissed: true }> {
  return db.transaction(async (tx) => {
    const updated = await tx
      .update(checklistNotices)
      .set({ readAt: now })
      .where(
        and(
          eq(checklistNotices.id, noticeId),
          eq(checklistNotices.userId, actor.userId),
          isNull(checklistNotices.readAt),
        ),
      )
      .returning({ id: checklistNotices.id, checklistId: checklistNotices.checklistId });
    if (updated.length === 0)
      throw AppError.field("noticeId", "There is no unread notice of yours with this id.", "NOT_FOUND");
    await appendAuditEvent(tx, actor, {
      eventType: "checklist.notice_dismissed",
      outcome: "success",
      entityType: "checklist_notice",
      entityId: noticeId,
      meta: { checklistId: updated[0]!.checklistId },
    });
    return { dismissed: true };
  });
}

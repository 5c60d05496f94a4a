import { z } from "zod";
import {
  assignItemsInput,
  bindCheckInput,
  checklistRef,
  commentInput,
  createChecklistInput,
  itemFilterInput,
  itemRef,
  noticeRef,
  requestWaiverInput,
  setDueDateInput,
  setItemsStatusInput,
  updateChecklistInput,
  updateItemInput,
  waiverRef,
} from "@/lib/checklists/inputs";
import type { Caller } from "../checklists/access";
import { createChecklist, updateChecklist } from "../checklists/checklists";
import { addComment, assignItems, bindCheck, setDueDate, setItemsStatus, updateItem } from "../checklists/items";
import {
  checklistHistory,
  dismissNotice,
  getChecklist,
  launchesAtRisk,
  listChecklists,
  listPeople,
  listTemplates,
  myItems,
} from "../checklists/queries";
import { runItemCheck } from "../checklists/verify-item";
import { approveWaiver, rejectWaiver, requestWaiver } from "../checklists/waivers";
import { AppError } from "../errors";
import { leadProcedure, protectedProcedure, responderProcedure, router } from "../trpc";

const caller = (ctx: { actor: Caller["actor"]; user: { role: Caller["role"] } }): Caller => ({
  actor: ctx.actor,
  role: ctx.user.role,
});

/** Readiness checklists: viewers read; responders work their items and ask for waivers; leads create, assign, bind checks and decide waivers. */
export const checklistsRouter = router({
  templates: protectedProcedure.query(({ ctx }) => listTemplates(ctx.db)),
  people: protectedProcedure.query(({ ctx }) => listPeople(ctx.db)),
  list: protectedProcedure.query(({ ctx }) => listChecklists(ctx.db)),
  atRisk: protectedProcedure.query(({ ctx }) => launchesAtRisk(ctx.db)),
  get: protectedProcedure.input(itemFilterInput).query(({ ctx, input }) => getChecklist(ctx.db, ctx.user.id, input)),
  history: protectedProcedure
    .input(checklistRef)
    .query(({ ctx, input }) => checklistHistory(ctx.db, input.checklistId)),
  myItems: protectedProcedure.input(z.object({}).optional()).query(({ ctx }) => myItems(ctx.db, ctx.user.id)),
  dismissNotice: protectedProcedure
    .input(noticeRef)
    .mutation(({ ctx, input }) => dismissNotice(ctx.db, ctx.actor, input.noticeId)),

  create: leadProcedure
    .input(createChecklistInput)
    .mutation(({ ctx, input }) => createChecklist(ctx.db, caller(ctx), input)),
  update: leadProcedure
    .input(updateChecklistInput)
    .mutation(({ ctx, input }) => updateChecklist(ctx.db, caller(ctx), input)),
  assign: leadProcedure.input(assignItemsInput).mutation(({ ctx, input }) => assignItems(ctx.db, caller(ctx), input)),
  setStatuses: leadProcedure
    .input(setItemsStatusInput)
    .mutation(({ ctx, input }) => setItemsStatus(ctx.db, caller(ctx), input)),
  setDueDate: leadProcedure.input(setDueDateInput).mutation(({ ctx, input }) => setDueDate(ctx.db, caller(ctx), input)),
  bindCheck: leadProcedure.input(bindCheckInput).mutation(({ ctx, input }) => bindCheck(ctx.db, caller(ctx), input)),
  approveWaiver: leadProcedure.input(waiverRef).mutation(({ ctx, input }) => approveWaiver(ctx.db, caller(ctx), input)),
  rejectWaiver: leadProcedure.input(waiverRef).mutation(({ ctx, input }) => rejectWaiver(ctx.db, caller(ctx), input)),

  updateItem: responderProcedure
    .input(updateItemInput)
    .mutation(({ ctx, input }) => updateItem(ctx.db, caller(ctx), input)),
  comment: responderProcedure.input(commentInput).mutation(({ ctx, input }) => addComment(ctx.db, caller(ctx), input)),
  requestWaiver: responderProcedure
    .input(requestWaiverInput)
    .mutation(({ ctx, input }) => requestWaiver(ctx.db, caller(ctx), input)),
  runCheck: responderProcedure.input(itemRef).mutation(({ ctx, input }) => {
    if (!ctx.engine)
      throw new AppError("SERVICE_UNAVAILABLE", "The run engine is not running in this process, so checks cannot run.");
    return runItemCheck(ctx.db, ctx.engine.registry, caller(ctx), input.itemId);
  }),
});

import { entityTimelineInput, listHistoryInput } from "@/lib/schemas/history";
import { chainStatus } from "../history/chain-status";
import { canSeeOthersSignIns } from "../history/conditions";
import { entityTimeline, listHistory, recordedEventTypes } from "../history/queries";
import { protectedProcedure, router } from "../trpc";

export const historyRouter = router({
  list: protectedProcedure.input(listHistoryInput).query(({ ctx, input }) => listHistory(ctx.db, ctx.user, input)),

  timeline: protectedProcedure.input(entityTimelineInput).query(({ ctx, input }) => entityTimeline(ctx.db, ctx.user, input)),

  eventTypes: protectedProcedure.query(({ ctx }) => recordedEventTypes(ctx.db)),

  chainStatus: protectedProcedure.query(async ({ ctx }) => ({ ...(await chainStatus(ctx.db)), seesOthersSignIns: canSeeOthersSignIns(ctx.user.role) })),
});

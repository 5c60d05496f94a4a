import { chainStatusInput, entityTimelineInput, listHistoryInput } from "@/lib/schemas/history";
import { auditSigner } from "../audit/keys";
import { chainStatus } from "../history/chain-status";
import { canSeeOthersSignIns } from "../history/conditions";
import { entityTimeline, listHistory, recordedEventTypes } from "../history/queries";
import { protectedProcedure, router } from "../trpc";

export const historyRouter = router({
  list: protectedProcedure.input(listHistoryInput).query(({ ctx, input }) => listHistory(ctx.db, ctx.user, input)),

  timeline: protectedProcedure
    .input(entityTimelineInput)
    .query(({ ctx, input }) => entityTimeline(ctx.db, ctx.user, input)),

  eventTypes: protectedProcedure.query(({ ctx }) => recordedEventTypes(ctx.db)),

  chainStatus: protectedProcedure.input(chainStatusInput).query(async ({ ctx, input }) => ({
    ...(await chainStatus(ctx.db, { forceFull: input.full })),
    seesOthersSignIns: canSeeOthersSignIns(ctx.user.role),
    // The public half of the audit key: anyone may check an export with it.
    publicKey: { base64: auditSigner().current.base64, keyId: auditSigner().current.keyId },
  })),
});

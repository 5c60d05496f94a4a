import { changePasswordInput, reauthenticateInput, revokeSessionInput } from "@/lib/schemas/account";
import { listActivityOfUser } from "../audit/queries";
import { reauthenticate } from "../auth/reauth";
import { listActiveSessions, revokeSession } from "../auth/sessions";
import { sessionPolicyFromEnv } from "../auth/session-policy";
import { AppError } from "../errors";
import { changeOwnPassword } from "../users/commands";
import { protectedProcedure, router } from "../trpc";

export const accountRouter = router({
  changePassword: protectedProcedure
    .meta({ access: "viewer", allowDuringPasswordChange: true })
    .input(changePasswordInput)
    .mutation(async ({ ctx, input }) => {
      await changeOwnPassword(ctx.db, ctx.actor, input);
      return { ok: true };
    }),

  sessions: protectedProcedure.query(async ({ ctx }) => {
    const sessions = await listActiveSessions(ctx.db, ctx.user.id, sessionPolicyFromEnv());
    return sessions.map((s) => ({ ...s, current: s.id === ctx.session.sessionId }));
  }),

  revokeSession: protectedProcedure.input(revokeSessionInput).mutation(async ({ ctx, input }) => {
    const own = await listActiveSessions(ctx.db, ctx.user.id, sessionPolicyFromEnv());
    if (!own.some((s) => s.id === input.sessionId)) {
      throw AppError.field("sessionId", "This is not one of your active sessions.", "NOT_FOUND");
    }
    await revokeSession(ctx.db, ctx.actor, input.sessionId, "ended_by_user");
    return { ok: true };
  }),

  /** Proves the password again, so high-risk steps go ahead for the next KEEL_REAUTH_MINUTES. */
  reauthenticate: protectedProcedure
    .meta({ access: "viewer" })
    .input(reauthenticateInput)
    .mutation(async ({ ctx, input }) => {
      const { authenticatedAt } = await reauthenticate(
        ctx.db,
        { ...ctx.actor, userId: ctx.user.id, sessionId: ctx.session.sessionId },
        input,
        ctx.rateLimits,
      );
      return { authenticatedAt: authenticatedAt.toISOString() };
    }),

  activity: protectedProcedure.query(({ ctx }) => listActivityOfUser(ctx.db, ctx.user.id)),
});

import {
  changeUserRoleInput,
  createUserInput,
  requireReauthenticationInput,
  resetUserPasswordInput,
  setUserDisabledInput,
} from "@/lib/schemas/users";
import { requireReauthentication } from "../auth/reauth";
import { changeUserRole, createUser, resetUserPassword, setUserDisabled } from "../users/commands";
import { listUsers } from "../users/queries";
import { adminProcedure, router } from "../trpc";

export const usersRouter = router({
  list: adminProcedure.query(({ ctx }) => listUsers(ctx.db)),
  create: adminProcedure.input(createUserInput).mutation(({ ctx, input }) => createUser(ctx.db, ctx.actor, input)),
  changeRole: adminProcedure
    .input(changeUserRoleInput)
    .mutation(({ ctx, input }) => changeUserRole(ctx.db, ctx.actor, input)),
  setDisabled: adminProcedure
    .input(setUserDisabledInput)
    .mutation(({ ctx, input }) => setUserDisabled(ctx.db, ctx.actor, input)),
  resetPassword: adminProcedure
    .input(resetUserPasswordInput)
    .mutation(({ ctx, input }) => resetUserPassword(ctx.db, ctx.actor, input)),
  requireReauthentication: adminProcedure
    .input(requireReauthenticationInput)
    .mutation(({ ctx, input }) => requireReauthentication(ctx.db, ctx.actor, input)),
});

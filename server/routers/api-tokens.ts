import { createApiTokenInput, revokeApiTokenInput } from "@/lib/schemas/api-tokens";
import { createApiToken, revokeApiToken } from "../api-tokens/commands";
import { listApiTokens } from "../api-tokens/queries";
import { adminProcedure, router } from "../trpc";

export const apiTokensRouter = router({
  list: adminProcedure.query(({ ctx }) => listApiTokens(ctx.db)),
  create: adminProcedure
    .input(createApiTokenInput)
    .mutation(({ ctx, input }) => createApiToken(ctx.db, ctx.actor, input)),
  revoke: adminProcedure
    .input(revokeApiTokenInput)
    .mutation(({ ctx, input }) => revokeApiToken(ctx.db, ctx.actor, input.tokenId)),
});

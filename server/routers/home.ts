import { needsYou } from "../home/needs-you";
import { protectedProcedure, router } from "../trpc";

export const homeRouter = router({
  needsYou: protectedProcedure.query(({ ctx }) => needsYou(ctx.db, ctx.user)),
});

import { publicProcedure, router } from "../trpc";

export const sessionRouter = router({
  /** The signed-in user, or null: the only procedure that answers without a session. */
  me: publicProcedure.query(({ ctx }) => ctx.session?.user ?? null),
});

import { listInstances } from "../instances/queries";
import { adminProcedure, router } from "../trpc";

export const instancesRouter = router({
  list: adminProcedure.query(({ ctx }) => listInstances(ctx.db)),
});

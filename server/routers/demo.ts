import { removeDemoInput } from "@/lib/schemas/demo";
import { demoStatus, removeDemo } from "../demo/admin";
import { processDemoSite } from "../demo/site";
import { adminProcedure, router } from "../trpc";

export const demoRouter = router({
  status: adminProcedure.query(({ ctx }) => demoStatus(ctx.db)),
  remove: adminProcedure
    .input(removeDemoInput)
    .mutation(async ({ ctx }) => removeDemo(ctx.demoSite ?? (await processDemoSite()), ctx.actor)),
});

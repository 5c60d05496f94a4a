import { serviceNameInput } from "@/lib/schemas/deployments";
import { listServices, serviceReleases } from "../services/queries";
import { protectedProcedure, router } from "../trpc";

export const servicesRouter = router({
  list: protectedProcedure.query(({ ctx }) => listServices(ctx.db)),
  releases: protectedProcedure
    .input(serviceNameInput)
    .query(({ ctx, input }) => serviceReleases(ctx.db, input.service)),
});

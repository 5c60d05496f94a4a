import { runbookTelemetryInput, telemetryOverviewInput } from "@/lib/schemas/telemetry";
import { runbookTelemetry, telemetryOverview } from "../telemetry/queries";
import { protectedProcedure, router } from "../trpc";

export const telemetryRouter = router({
  overview: protectedProcedure
    .input(telemetryOverviewInput)
    .query(({ ctx, input }) => telemetryOverview(ctx.db, input.days)),
  runbook: protectedProcedure
    .input(runbookTelemetryInput)
    .query(({ ctx, input }) => runbookTelemetry(ctx.db, input.runbookId, input.days)),
});

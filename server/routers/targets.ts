import { saveTargetInput, targetRefInput } from "@/lib/schemas/targets";
import {
  getTargetForEditing,
  listTargetKinds,
  listTargetViews,
  removeAdminTarget,
  saveAdminTarget,
} from "../targets/admin";
import { targetsFileStatus } from "../targets/load-file";
import { adminProcedure, protectedProcedure, router } from "../trpc";

export const targetsRouter = router({
  list: protectedProcedure.query(({ ctx }) => listTargetViews(ctx.db)),
  kinds: protectedProcedure.query(() => listTargetKinds()),
  /** The config as YAML, for the edit form. */
  get: adminProcedure.input(targetRefInput).query(({ ctx, input }) => getTargetForEditing(ctx.db, input)),
  save: adminProcedure.input(saveTargetInput).mutation(({ ctx, input }) => saveAdminTarget(ctx.db, ctx.actor, input)),
  remove: adminProcedure
    .input(targetRefInput)
    .mutation(({ ctx, input }) => removeAdminTarget(ctx.db, ctx.actor, input)),
  /** File paths and problems are for the people who can fix the file. */
  fileStatus: adminProcedure.query(async ({ ctx }) => (await targetsFileStatus(ctx.db)) ?? null),
});

import { diffRunbookVersionsInput, getRunbookInput, getRunbookVersionInput } from "@/lib/schemas/runbooks";
import {
  diffRunbookVersions,
  getRunbook,
  getRunbookVersion,
  listRunbookFileProblems,
  listRunbooks,
} from "../runbooks/queries";
import { adminProcedure, protectedProcedure, router } from "../trpc";

export const runbooksRouter = router({
  list: protectedProcedure.query(({ ctx }) => listRunbooks(ctx.db)),
  get: protectedProcedure.input(getRunbookInput).query(({ ctx, input }) => getRunbook(ctx.db, input)),
  version: protectedProcedure.input(getRunbookVersionInput).query(({ ctx, input }) => getRunbookVersion(ctx.db, input)),
  diff: protectedProcedure
    .input(diffRunbookVersionsInput)
    .query(({ ctx, input }) => diffRunbookVersions(ctx.db, input)),
  /** File paths and parse errors are for the people who can fix the files. */
  fileProblems: adminProcedure.query(({ ctx }) => listRunbookFileProblems(ctx.db)),
});

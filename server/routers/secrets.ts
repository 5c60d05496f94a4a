import { createSecretInput } from "@/lib/schemas/secrets";
import { createSecret, listSecrets } from "../secrets/store";
import { adminProcedure, protectedProcedure, router } from "../trpc";

export const secretsRouter = router({
  /** Names, labels, fingerprints and dates; never a value. */
  list: protectedProcedure.query(({ ctx }) => listSecrets(ctx.db)),
  /** Answers with the name and fingerprint only: the value was entered once and is not sent back. */
  create: adminProcedure.input(createSecretInput).mutation(({ ctx, input }) => createSecret(ctx.db, ctx.actor, input)),
});

import { z } from "zod";
import { executeRollback, planRollback, describeRollbackPlan } from "../../services/rollback";
import type { ActionDefinition } from "../actions/types";

const input = z.strictObject({
  service: z.string().min(1),
  /** A version, a commit, or "previous" (the default). */
  release: z.string().max(200).nullish(),
  reason: z.string().min(1, "give a reason for the rollback").max(2000),
});

/** Rolls a service back to an earlier release: revert commits in its deploy repository, or call its deploy system. */
export const deployRollbackAction: ActionDefinition<z.infer<typeof input>> = {
  name: "deploy.rollback",
  title: "Roll back a service",
  description:
    "Reverts the commits after the chosen release in the service's deploy repository and pushes, or calls the deploy system's rollback endpoint.",
  highRisk: true,
  input,
  async plan(request, context) {
    return describeRollbackPlan(await planRollback(context.db, request, { signal: context.signal }));
  },
  async execute(request, context) {
    const outcome = await executeRollback(context.db, request, {
      runId: context.runId,
      idempotencyKey: context.idempotencyKey,
      log: (line) => context.log(line),
      registerSecret: (value) => context.registerSecret(value),
      signal: context.signal,
    });
    const what =
      outcome.strategy === "git"
        ? outcome.revertCommit
          ? `${outcome.alreadyDone ? "Already reverted" : "Reverted"} ${outcome.revertedCommits.length} commit(s) in ${outcome.revertCommit.slice(0, 12)}`
          : "Nothing to revert"
        : `The deploy system answered ${outcome.httpStatus}`;
    return {
      summary: `${request.service} rolled back from ${outcome.fromVersion ?? "unknown"} to ${outcome.toVersion}. ${what}.`,
      output: { ...outcome },
    };
  },
};

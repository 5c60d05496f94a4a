import {
  abortRunInput,
  confirmStepInput,
  decideApprovalInput,
  listRunsInput,
  refuseApprovalInput,
  runOutputInput,
  runRefInput,
  skipStepInput,
  startRunInput,
  stepRefInput,
} from "@/lib/schemas/runs";
import type { Actor } from "../audit/actor";
import type { Context } from "../context";
import { dispatch, type EngineDeps } from "../engine/dispatch";
import type { Command } from "../engine/machine/types";
import { readOutput } from "../engine/output-sink";
import { startRun } from "../engine/start-run";
import { AppError } from "../errors";
import { runCounts } from "../runs/counts";
import { limitHighRiskCommand } from "../runs/high-risk-limit";
import { getRunView, listRuns, runHistory } from "../runs/view";
import { refOptions } from "../targets/catalog";
import { leadProcedure, protectedProcedure, responderProcedure, router } from "../trpc";

function engineOf(ctx: Pick<Context, "engine">): EngineDeps {
  if (!ctx.engine) throw new AppError("SERVICE_UNAVAILABLE", "The run engine is not running in this process.");
  return ctx.engine;
}

type Acting = Pick<Context, "engine" | "rateLimits"> & {
  actor: Actor & { userId: string };
  user: { id: string; email: string; role: import("@/lib/roles").Role };
};

/**
 * A person's command on a run, counted against the high-risk limit when it is high-risk; who
 * acted is kept on the step and in the audit trail.
 */
async function command(
  ctx: Acting,
  runId: string,
  build: (actor: { userId: string; role: Acting["user"]["role"] }) => Command,
  extra: Parameters<typeof dispatch>[1]["details"] = {},
) {
  const engine = engineOf(ctx);
  const built = build({ userId: ctx.user.id, role: ctx.user.role });
  await limitHighRiskCommand(ctx.rateLimits, engine, runId, built, ctx.actor);
  const result = await dispatch(engine, {
    runId,
    command: built,
    actor: ctx.actor,
    details: { ...extra, patch: { actorUserId: ctx.user.id, actorLabel: ctx.user.email, ...(extra.patch ?? {}) } },
  });
  return { status: result.run.status, version: result.version };
}

export const runsRouter = router({
  list: protectedProcedure.input(listRunsInput).query(({ ctx, input }) => listRuns(ctx.db, ctx.user, input)),

  counts: protectedProcedure.query(({ ctx }) => runCounts(ctx.db)),

  get: protectedProcedure.input(runRefInput).query(({ ctx, input }) => getRunView(ctx.db, input.runId, ctx.user)),

  history: protectedProcedure.input(runRefInput).query(({ ctx, input }) => runHistory(ctx.db, input.runId)),

  output: protectedProcedure
    .input(runOutputInput)
    .query(({ ctx, input }) =>
      readOutput(
        ctx.db,
        { runId: input.runId, stepId: input.stepId, attempt: input.attempt },
        input.after,
        input.limit,
      ),
    ),

  start: responderProcedure
    .input(startRunInput)
    .mutation(async ({ ctx, input }) => startRun(engineOf(ctx), ctx.actor, input, await refOptions(ctx.db))),

  confirm: responderProcedure.input(confirmStepInput).mutation(({ ctx, input }) => {
    const evidence =
      input.note || input.link
        ? { ...(input.note ? { note: input.note } : {}), ...(input.link ? { link: input.link } : {}) }
        : null;
    return command(ctx, input.runId, (actor) => ({ type: "confirm", stepId: input.stepId, actor, evidence }), {
      patch: { evidence },
    });
  }),

  execute: responderProcedure
    .input(stepRefInput)
    .mutation(({ ctx, input }) =>
      command(ctx, input.runId, (actor) => ({ type: "execute", stepId: input.stepId, actor })),
    ),

  approve: responderProcedure.input(decideApprovalInput).mutation(({ ctx, input }) =>
    command(
      ctx,
      input.runId,
      (actor) => ({ type: "approve", stepId: input.stepId, actor, bindingHash: input.bindingHash }),
      {
        decision: { userLabel: ctx.user.email, comment: null },
      },
    ),
  ),

  refuse: responderProcedure.input(refuseApprovalInput).mutation(({ ctx, input }) =>
    command(
      ctx,
      input.runId,
      (actor) => ({
        type: "refuse",
        stepId: input.stepId,
        actor,
        bindingHash: input.bindingHash,
        comment: input.comment,
      }),
      {
        decision: { userLabel: ctx.user.email, comment: input.comment },
        abortReason: `refused by ${ctx.user.email}: ${input.comment}`,
      },
    ),
  ),

  retry: responderProcedure.input(stepRefInput).mutation(({ ctx, input }) =>
    command(ctx, input.runId, (actor) => ({ type: "retry", stepId: input.stepId, actor }), {
      voidReason: "the step was retried",
      patch: { error: null },
    }),
  ),

  skip: leadProcedure.input(skipStepInput).mutation(({ ctx, input }) =>
    command(ctx, input.runId, (actor) => ({ type: "skip", stepId: input.stepId, actor, reason: input.reason }), {
      patch: { skipReason: input.reason },
    }),
  ),

  abort: responderProcedure.input(abortRunInput).mutation(({ ctx, input }) =>
    command(ctx, input.runId, (actor) => ({ type: "abort", actor, reason: input.reason }), {
      abortReason: input.reason,
    }),
  ),
});

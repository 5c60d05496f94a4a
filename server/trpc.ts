import "server-only";
import { initTRPC, TRPCError } from "@trpc/server";
import { hasRole, type Role } from "@/lib/roles";
import { DEFAULT_INPUT_LIMITS, findInputLimitViolation, type InputLimits } from "@/lib/validation/input-limits";
import { findUnstorableText } from "@/lib/validation/storable-text";
import { actorOf, type Context } from "./context";
import { AppError } from "./errors";
import { limitProcedureCall } from "./security/rate-limits/request-limits";
import { keelErrorShape } from "./http/trpc-error-shape";
import { withArticle } from "@/lib/format/article";

/** Every procedure declares who may call it; a test walks the router to make sure. */
export type ProcedureMeta = {
  access: "public" | Role;
  /** Callable while the user still has to replace a one-time password. */
  allowDuringPasswordChange?: boolean;
  /** Where this procedure's input may exceed the default limits (a long runbook file, a bulk list). */
  inputLimits?: Partial<InputLimits>;
};

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    // tRPC's own error shape, with Keel's code, details and request id under `data`.
    errorFormatter: ({ error, ctx, shape }) =>
      keelErrorShape(error, ctx?.request.requestId ?? "unknown", shape.data.path),
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * Every procedure first holds its raw input to the size limits (strings, arrays, nesting) and
 * refuses text that cannot be stored (NUL, unpaired surrogates), so such an input is refused
 * with the field named before any schema, rate-limit, audit or database work happens.
 */
const limitedProcedure = t.procedure.use(async ({ getRawInput, meta, next }) => {
  const input = await getRawInput();
  const violation = findInputLimitViolation(input, { ...DEFAULT_INPUT_LIMITS, ...meta?.inputLimits });
  if (violation) {
    const message = `${violation.field} ${violation.message}.`;
    throw AppError.field(violation.field, message, violation.tooLarge ? "PAYLOAD_TOO_LARGE" : "BAD_REQUEST");
  }
  const unstorable = findUnstorableText(input);
  if (unstorable) throw AppError.field(unstorable.field, unstorable.message);
  return next();
});

export const publicProcedure = limitedProcedure.meta({ access: "public" }).use(async ({ ctx, type, next }) => {
  if (ctx.rateLimits)
    await limitProcedureCall(ctx.rateLimits, {
      type,
      userId: null,
      ip: ctx.request.ip,
      actor: {
        userId: null,
        label: "anonymous",
        sessionId: null,
        request: { ip: ctx.request.ip, userAgent: ctx.request.userAgent, requestId: ctx.request.requestId },
      },
    });
  return next();
});

/** A procedure for signed-in users holding at least `minimum`; hands on a non-null user and actor. */
export function roleProcedure(minimum: Role) {
  return limitedProcedure.meta({ access: minimum }).use(async ({ ctx, meta, type, next }) => {
    if (!ctx.session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
    const { user } = ctx.session;
    if (user.mustChangePassword && !meta?.allowDuringPasswordChange) {
      throw new TRPCError({ code: "FORBIDDEN", message: "Choose a new password before doing anything else." });
    }
    if (!hasRole(user.role, minimum)) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `This needs the ${minimum} role; you are ${withArticle(user.role)}.`,
      });
    }
    const actor = actorOf(ctx.session, ctx.request);
    if (ctx.rateLimits) await limitProcedureCall(ctx.rateLimits, { type, userId: user.id, ip: ctx.request.ip, actor });
    return next({ ctx: { ...ctx, session: ctx.session, user, actor } });
  });
}

/** Any signed-in user. */
export const protectedProcedure = roleProcedure("viewer");
export const responderProcedure = roleProcedure("responder");
export const leadProcedure = roleProcedure("lead");
export const adminProcedure = roleProcedure("admin");

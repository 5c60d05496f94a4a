import type { Actor } from "../../audit/actor";
import type { EngineDeps } from "../../engine/dispatch";
import { loadRun } from "../../engine/run-state";
import type { RateLimits } from "./rate-limits";

export type ProcedureCall = {
  type: "query" | "mutation" | "subscription";
  userId: string | null;
  ip: string | null;
  actor: Actor;
};

/**
 * The limits of one tRPC call: per address for everyone (skipped for allowlisted addresses), then
 * per user by class: reads, or run actions.
 */
export async function limitProcedureCall(limits: RateLimits, call: ProcedureCall): Promise<void> {
  if (call.ip) await limits.consume("request_ip", call.ip, call.actor);
  if (!call.userId) return;
  await limits.consume(call.type === "mutation" ? "action_user" : "read_user", call.userId, call.actor);
}

/**
 * Executing or retrying a step whose action is high-risk (secret promotion, restore) also counts
 * against the stricter high-risk limit.
 */
export async function limitHighRiskStep(
  limits: RateLimits | null,
  engine: EngineDeps | null,
  runId: string,
  stepId: string,
  actor: Actor & { userId: string },
): Promise<void> {
  if (!limits || !engine) return;
  const run = await loadRun(engine.db, runId).catch(() => null);
  const step = run?.definition.steps.find((s) => s.id === stepId);
  if (step?.kind !== "action") return;
  if (engine.registry.action(step.action)?.highRisk) await limits.consume("high_risk_user", actor.userId, actor);
}

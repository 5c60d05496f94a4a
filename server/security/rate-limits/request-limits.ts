import type { Actor } from "../../audit/actor";
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

import type { Actor } from "../audit/actor";
import type { EngineDeps } from "../engine/dispatch";
import type { Command } from "../engine/machine/types";
import { loadRun } from "../engine/run-state";
import type { RateLimits } from "../security/rate-limits/rate-limits";

/**
 * A person's command that the engine's high-risk classifier (`EngineDeps.highRisk`, the one that
 * also asks for re-authentication) calls high-risk counts against the stricter high-risk limit too:
 * executing or retrying a high-risk action, approving what gates one or a broad allowlist range.
 * Counted before the command is dispatched, so a refusal changes nothing.
 */
export async function limitHighRiskCommand(
  limits: RateLimits | null,
  engine: EngineDeps,
  runId: string,
  command: Command,
  actor: Actor & { userId: string },
): Promise<void> {
  if (!limits) return;
  const stored = await loadRun(engine.db, runId);
  if (engine.highRisk(engine.registry, stored, command)) await limits.consume("high_risk_user", actor.userId, actor);
}

import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
  type RateLimiterAbstract,
} from "rate-limiter-flexible";
import type { Database, DatabaseHandle } from "@/db/client";
import { appendAuditEvent } from "../../audit/append";
import type { Actor } from "../../audit/actor";
import { AppError } from "../../errors";
import { getLogger } from "../../observability/logger";
import { metrics } from "../../observability/metrics";
import {
  DEFAULT_RATE_LIMIT_SETTINGS,
  type LimitOverride,
  type RateLimitSettings,
} from "../../config/rate-limit-settings";
import { limitPolicies, type LimitClass, type LimitPolicy } from "./policy";
import { rateLimitStoreClient } from "./store-client";

export type RateLimitDeps = {
  handle: Pick<DatabaseHandle, "raw">;
  db: Database;
  /** Keel's own allowlist (the whitelist-ip runbook): such addresses skip per-IP limits. */
  isAllowlisted: (ip: string) => Promise<boolean>;
  /** The configured limits; by default the README's table. */
  settings?: RateLimitSettings;
};

export type Refusal = { retryAfterSeconds: number; limit: LimitClass; rule: string };

type Limiter = { policy: LimitPolicy; counter: RateLimiterAbstract };

/**
 * Keel's rate limiters: the classes that must hold across instances count in PostgreSQL, the
 * others in this process's memory (see policy.ts). A refusal is an AppError TOO_MANY_REQUESTS
 * carrying `retryAfterSeconds`; the first refusal of a window is an audit event (later ones in
 * the same window are not, so a flood cannot flood the audit trail too). A setting may give one
 * user or token its own figure for a class (a CI pipeline's account, say).
 */
export class RateLimits {
  private readonly limiters = new Map<LimitClass, Limiter>();
  private readonly overrides = new Map<string, Limiter>();
  private readonly storeClient: ReturnType<typeof rateLimitStoreClient>;
  private sweeperChosen = false;

  constructor(private readonly deps: RateLimitDeps) {
    this.storeClient = rateLimitStoreClient(deps.handle);
    const settings = deps.settings ?? DEFAULT_RATE_LIMIT_SETTINGS;
    for (const [name, policy] of Object.entries(limitPolicies(settings)) as [LimitClass, LimitPolicy][])
      this.limiters.set(name, this.build(name, policy));
    for (const { limit, who, points } of settings.KEEL_LIMIT_OVERRIDES) {
      const policy = limitPolicies({ ...settings, [OVERRIDE_SETTINGS[limit]]: points })[limit];
      this.overrides.set(
        overrideKey(limit, who),
        this.build(limit, { ...policy, describes: `${policy.describes} for ${who}` }),
      );
    }
  }

  private build(name: LimitClass, policy: LimitPolicy): Limiter {
    const options = {
      keyPrefix: name,
      points: policy.points,
      duration: policy.durationSeconds,
      blockDuration: policy.blockSeconds ?? 0,
    };
    if (policy.counted === "instance") return { policy, counter: new RateLimiterMemory(options) };
    // One limiter sweeping expired rows is enough: they share the table.
    const clearExpiredByTimeout = !this.sweeperChosen;
    this.sweeperChosen = true;
    const counter = new RateLimiterPostgres({
      ...options,
      storeClient: this.storeClient,
      storeType: "client",
      tableName: "rate_limits",
      tableCreated: true,
      clearExpiredByTimeout,
    });
    return { policy, counter };
  }

  /**
   * Counts one request against `limit` for `subject`; throws TOO_MANY_REQUESTS when over it. The
   * actor's label (an email, or api-token:<name>) picks a configured override, if any.
   */
  async consume(limit: LimitClass, subject: string, actor: Actor): Promise<void> {
    const refusal = await this.take(limit, subject, actor);
    if (refusal) throw tooMany(refusal);
  }

  /** Like consume, but answers the refusal instead of throwing it. */
  async take(limit: LimitClass, subject: string, actor: Actor): Promise<Refusal | null> {
    const { policy, counter } = this.limiter(limit, actor.label);
    if (policy.perIp && (await this.allowlisted(subject))) return null;
    try {
      await counter.consume(subject);
      return null;
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw storeDown(limit, rejection);
      const refusal = {
        limit,
        rule: policy.describes,
        retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
      };
      if (rejection.consumedPoints === policy.points + 1) await this.recordTrip(refusal, actor);
      return refusal;
    }
  }

  /** Whether `subject` is refused under `limit` right now, without counting anything. */
  async blocked(limit: LimitClass, subject: string): Promise<Refusal | null> {
    const { policy, counter } = this.limiter(limit);
    if (policy.perIp && (await this.allowlisted(subject))) return null;
    let state: RateLimiterRes | null;
    try {
      state = await counter.get(subject);
    } catch (error) {
      throw storeDown(limit, error);
    }
    if (!state || state.consumedPoints <= policy.points) return null;
    return { limit, rule: policy.describes, retryAfterSeconds: Math.max(1, Math.ceil(state.msBeforeNext / 1000)) };
  }

  /** Forgets `subject`'s count (a successful sign-in ends a run of failures). */
  async clear(limit: LimitClass, subject: string): Promise<void> {
    try {
      await this.limiter(limit).counter.delete(subject);
    } catch (error) {
      throw storeDown(limit, error);
    }
  }

  private limiter(limit: LimitClass, who?: string): Limiter {
    return (
      (who !== undefined && this.overrides.get(overrideKey(limit, who.toLowerCase()))) || this.limiters.get(limit)!
    );
  }

  private async allowlisted(ip: string): Promise<boolean> {
    try {
      return await this.deps.isAllowlisted(ip);
    } catch (error) {
      getLogger().warn({ err: error }, "allowlist lookup failed; applying per-IP limits");
      return false;
    }
  }

  private async recordTrip(refusal: Refusal, actor: Actor): Promise<void> {
    metrics().rateLimitTrips.inc({ limit: refusal.limit });
    try {
      await appendAuditEvent(this.deps.db, actor, {
        eventType: "rate_limit.exceeded",
        outcome: "refused",
        entityType: "rate_limit",
        entityId: refusal.limit,
        meta: { limit: refusal.limit, rule: refusal.rule, retryAfterSeconds: refusal.retryAfterSeconds },
      });
    } catch (error) {
      // The request is refused either way; a missing trip row must not turn a 429 into a 500.
      getLogger().error({ err: error, limit: refusal.limit }, "could not record a rate limit trip");
    }
  }
}

export function tooMany(refusal: Refusal): AppError {
  const minutes = Math.ceil(refusal.retryAfterSeconds / 60);
  const wait = refusal.retryAfterSeconds < 120 ? `${refusal.retryAfterSeconds} seconds` : `${minutes} minutes`;
  return new AppError("TOO_MANY_REQUESTS", `Too many requests: Keel allows ${refusal.rule}. Try again in ${wait}.`, {
    retryAfterSeconds: refusal.retryAfterSeconds,
    limit: refusal.limit,
  });
}

function storeDown(limit: LimitClass, error: unknown): AppError {
  getLogger().error({ err: error, limit }, "rate limit counters unavailable; refusing (fail closed)");
  return new AppError(
    "SERVICE_UNAVAILABLE",
    "Keel cannot check its rate limits right now, so it refuses this request to stay safe. Try again shortly.",
  );
}

/** The setting whose figure an override replaces for its one user or token. */
const OVERRIDE_SETTINGS: Record<LimitOverride["limit"], keyof RateLimitSettings> = {
  action_user: "KEEL_LIMIT_ACTIONS_PER_USER_MINUTE",
  high_risk_user: "KEEL_LIMIT_HIGH_RISK_PER_USER_MINUTE",
  read_user: "KEEL_LIMIT_READS_PER_USER_MINUTE",
  api_token: "KEEL_LIMIT_API_CALLS_PER_TOKEN_MINUTE",
};

function overrideKey(limit: LimitClass, who: string): string {
  return `${limit}|${who}`;
}

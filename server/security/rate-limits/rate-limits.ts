import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { Database, DatabaseHandle } from "@/db/client";
import { appendAuditEvent } from "../../audit/append";
import type { Actor } from "../../audit/actor";
import { AppError } from "../../errors";
import { getLogger } from "../../observability/logger";
import { metrics } from "../../observability/metrics";
import { LIMIT_CLASSES, type LimitClass } from "./policy";
import { rateLimitStoreClient } from "./store-client";

export type RateLimitDeps = {
  handle: Pick<DatabaseHandle, "raw">;
  db: Database;
  /** Keel's own allowlist (the whitelist-ip runbook): such addresses skip per-IP limits. */
  isAllowlisted: (ip: string) => Promise<boolean>;
};

export type Refusal = { retryAfterSeconds: number; limit: LimitClass };

/**
 * Keel's rate limiters, counting in PostgreSQL so that limits hold across app instances. A
 * refusal is an AppError TOO_MANY_REQUESTS carrying `retryAfterSeconds`; the first refusal of a
 * window is an audit event (later ones in the same window are not, so a flood cannot flood the
 * audit trail too).
 */
export class RateLimits {
  private readonly limiters = new Map<LimitClass, RateLimiterAbstract>();

  constructor(private readonly deps: RateLimitDeps) {
    const storeClient = rateLimitStoreClient(deps.handle);
    let first = true;
    for (const [name, policy] of Object.entries(LIMIT_CLASSES) as [LimitClass, (typeof LIMIT_CLASSES)[LimitClass]][]) {
      const blockDuration = "blockSeconds" in policy ? policy.blockSeconds : 0;
      this.limiters.set(
        name,
        new RateLimiterPostgres({
          storeClient,
          storeType: "client",
          tableName: "rate_limits",
          tableCreated: true,
          keyPrefix: name,
          points: policy.points,
          duration: policy.durationSeconds,
          blockDuration,
          // One limiter sweeping expired rows is enough: they share the table.
          clearExpiredByTimeout: first,
          insuranceLimiter: policy.failClosed ? undefined : new RateLimiterMemory({ keyPrefix: name, points: policy.points, duration: policy.durationSeconds, blockDuration }),
        }),
      );
      first = false;
    }
  }

  /** Counts one request against `limit` for `subject`; throws TOO_MANY_REQUESTS when over it. */
  async consume(limit: LimitClass, subject: string, actor: Actor): Promise<void> {
    const refusal = await this.take(limit, subject, actor);
    if (refusal) throw tooMany(refusal);
  }

  /** Like consume, but answers the refusal instead of throwing it. */
  async take(limit: LimitClass, subject: string, actor: Actor): Promise<Refusal | null> {
    const policy = LIMIT_CLASSES[limit];
    if (policy.perIp && (await this.allowlisted(subject))) return null;
    try {
      await this.limiter(limit).consume(subject);
      return null;
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw storeDown(limit, rejection);
      const refusal = { limit, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
      if (rejection.consumedPoints === policy.points + 1) await this.recordTrip(refusal, actor);
      return refusal;
    }
  }

  /** Whether `subject` is refused under `limit` right now, without counting anything. */
  async blocked(limit: LimitClass, subject: string): Promise<Refusal | null> {
    const policy = LIMIT_CLASSES[limit];
    if (policy.perIp && (await this.allowlisted(subject))) return null;
    let state: RateLimiterRes | null;
    try {
      state = await this.limiter(limit).get(subject);
    } catch (error) {
      throw storeDown(limit, error);
    }
    if (!state || state.consumedPoints <= policy.points) return null;
    return { limit, retryAfterSeconds: Math.max(1, Math.ceil(state.msBeforeNext / 1000)) };
  }

  /** Forgets `subject`'s count (a successful sign-in ends a run of failures). */
  async clear(limit: LimitClass, subject: string): Promise<void> {
    try {
      await this.limiter(limit).delete(subject);
    } catch (error) {
      throw storeDown(limit, error);
    }
  }

  private limiter(limit: LimitClass): RateLimiterAbstract {
    return this.limiters.get(limit)!;
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
        meta: { limit: refusal.limit, rule: LIMIT_CLASSES[refusal.limit].describes, retryAfterSeconds: refusal.retryAfterSeconds },
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
  return new AppError("TOO_MANY_REQUESTS", `Too many requests: Keel allows ${LIMIT_CLASSES[refusal.limit].describes}. Try again in ${wait}.`, {
    retryAfterSeconds: refusal.retryAfterSeconds,
    limit: refusal.limit,
  });
}

function storeDown(limit: LimitClass, error: unknown): AppError {
  getLogger().error({ err: error, limit }, "rate limit counters unavailable; refusing (fail closed)");
  return new AppError("SERVICE_UNAVAILABLE", "Keel cannot check its rate limits right now, so it refuses this request to stay safe. Try again shortly.");
}

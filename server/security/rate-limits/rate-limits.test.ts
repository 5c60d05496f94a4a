import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "@/db/client";
import { auditEvents, rateLimits as rateLimitRows } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { errorOf } from "@/test/support/errors";
import { contextFor, createTestUser } from "@/test/support/users";
import { systemActor } from "../../audit/actor";
import { toErrorEnvelope, retryAfterOf } from "../../http/error-response";
import { metrics } from "../../observability/metrics";
import { createCaller } from "../../routers/_app";
import { DEFAULT_RATE_LIMIT_SETTINGS, type RateLimitSettings } from "../../config/rate-limit-settings";
import { RateLimits } from "./rate-limits";

function settings(changes: Partial<RateLimitSettings>): RateLimitSettings {
  return { ...DEFAULT_RATE_LIMIT_SETTINGS, ...changes };
}

const as = (label: string) => ({ ...systemActor(), label });

let handle: TestDatabase;
const ALLOWLISTED = "198.51.100.9";
const allowlist = async (ip: string) => ip === ALLOWLISTED;

beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle.drop();
});

const driver = process.env.TEST_DATABASE_URL ? "postgres" : "pglite";

async function trips(limit: string) {
  return handle.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.eventType, "rate_limit.exceeded"), eq(auditEvents.entityId, limit)));
}

describe(`rate limits (${driver})`, () => {
  it("allows 60 run actions a minute per user, then answers 429 with Retry-After, audited once per window", async () => {
    const limits = new RateLimits({ handle, db: handle.db, isAllowlisted: allowlist });
    const { user } = await createTestUser(handle.db, { role: "responder" });
    const before = (await trips("action_user")).length;
    const tripsBefore =
      (await metrics().rateLimitTrips.get()).values.find((v) => v.labels.limit === "action_user")?.value ?? 0;
    for (let i = 0; i < 60; i++) await limits.consume("action_user", user.id, systemActor());

    const caller = createCaller({ ...(await contextFor(handle.db, user)), rateLimits: limits });
    const refused = await errorOf(caller.account.revokeSession({ sessionId: "00000000-0000-4000-8000-000000000000" }));
    const { status, body } = toErrorEnvelope(refused, "req");
    expect(status).toBe(429);
    expect(body.error.message).toMatch(
      /^Too many requests: Keel allows 60 run actions a minute\. Try again in \d+ seconds\.$/,
    );
    const retryAfter = retryAfterOf([refused]);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    await errorOf(caller.account.revokeSession({ sessionId: "00000000-0000-4000-8000-000000000000" }));

    const rows = await trips("action_user");
    expect(rows.length).toBe(before + 1);
    expect(rows.at(-1)).toMatchObject({
      outcome: "refused",
      actorUserId: user.id,
      eventMeta: { limit: "action_user", rule: "60 run actions a minute" },
    });
    const tripsAfter =
      (await metrics().rateLimitTrips.get()).values.find((v) => v.labels.limit === "action_user")?.value ?? 0;
    expect(tripsAfter).toBe(tripsBefore + 1);
    // Reads are a class of their own: the same user still reads.
    await expect(caller.account.sessions()).resolves.toBeDefined();
  });

  it("lets addresses on Keel's allowlist past per-IP limits, and holds every other address to them", async () => {
    const limits = new RateLimits({ handle, db: handle.db, isAllowlisted: allowlist });
    for (let i = 0; i < 1300; i += 100)
      await Promise.all(Array.from({ length: 100 }, () => limits.consume("request_ip", ALLOWLISTED, systemActor())));
    const other = "203.0.113.50";
    for (let i = 0; i < 1200; i += 100)
      await Promise.all(Array.from({ length: 100 }, () => limits.consume("request_ip", other, systemActor())));
    expect((await errorOf(limits.consume("request_ip", other, systemActor()))).code).toBe("TOO_MANY_REQUESTS");
    const [row] = await handle.db
      .select()
      .from(rateLimitRows)
      .where(eq(rateLimitRows.key, `request_ip:${ALLOWLISTED}`));
    expect(row).toBeUndefined();
  });

  it("fails closed for actions when the counters cannot be reached, and counts reads in memory meanwhile", async () => {
    const broken = {
      raw: { kind: "pglite", client: { query: async () => Promise.reject(new Error("counter store is down")) } },
    } as unknown as DatabaseHandle;
    const limits = new RateLimits({ handle: broken, db: handle.db, isAllowlisted: allowlist });
    const refused = await errorOf(limits.consume("action_user", "someone", systemActor()));
    expect(refused.code).toBe("SERVICE_UNAVAILABLE");
    expect((await errorOf(limits.consume("sign_in_ip_day", "203.0.113.9", systemActor()))).code).toBe(
      "SERVICE_UNAVAILABLE",
    );
    for (let i = 0; i < 600; i++) await limits.consume("read_user", "reader", systemActor());
    expect((await errorOf(limits.consume("read_user", "reader", systemActor()))).code).toBe("TOO_MANY_REQUESTS");
  });

  it.runIf(driver === "postgres")("holds one limit across two app instances sharing the database", async () => {
    const url = (handle.target as { url: string }).url;
    const second = await openDatabase({ driver: "pg", url });
    try {
      const one = new RateLimits({ handle, db: handle.db, isAllowlisted: allowlist });
      const two = new RateLimits({ handle: second, db: second.db, isAllowlisted: allowlist });
      const subject = `shared-${Date.now()}`;
      for (let i = 0; i < 30; i++) {
        await one.consume("action_user", subject, systemActor());
        await two.consume("action_user", subject, systemActor());
      }
      expect((await errorOf(two.consume("action_user", subject, systemActor()))).code).toBe("TOO_MANY_REQUESTS");
      expect((await errorOf(one.consume("action_user", subject, systemActor()))).code).toBe("TOO_MANY_REQUESTS");
    } finally {
      await second.close();
    }
  });

  it("holds the configured figures, and gives an overridden user or token its own", async () => {
    const limits = new RateLimits({
      handle,
      db: handle.db,
      isAllowlisted: allowlist,
      settings: settings({
        KEEL_LIMIT_ACTIONS_PER_USER_MINUTE: 3,
        KEEL_LIMIT_OVERRIDES: [{ who: "ci-bot@example.com", limit: "action_user", points: 5 }],
      }),
    });
    const person = `person-${Date.now()}`;
    for (let i = 0; i < 3; i++) await limits.consume("action_user", person, as("someone@example.com"));
    const refused = await errorOf(limits.consume("action_user", person, as("someone@example.com")));
    expect(refused.message).toMatch(
      /^Too many requests: Keel allows 3 run actions a minute\. Try again in \d+ seconds\.$/,
    );

    const bot = `bot-${Date.now()}`;
    for (let i = 0; i < 5; i++) await limits.consume("action_user", bot, as("CI-Bot@example.com"));
    const botRefused = await errorOf(limits.consume("action_user", bot, as("ci-bot@example.com")));
    expect(botRefused.message).toMatch(/Keel allows 5 run actions a minute for ci-bot@example\.com\./);
    const [trip] = (await trips("action_user")).filter((row) => row.actorLabel === "ci-bot@example.com");
    expect(trip?.eventMeta).toMatchObject({ rule: "5 run actions a minute for ci-bot@example.com" });
  });

  it("counts reads and per-address requests in memory: a read writes nothing", async () => {
    const limits = new RateLimits({
      handle,
      db: handle.db,
      isAllowlisted: allowlist,
      settings: settings({ KEEL_LIMIT_READS_PER_USER_MINUTE: 5 }),
    });
    const reader = `reader-${Date.now()}`;
    for (let i = 0; i < 5; i++) {
      await limits.consume("read_user", reader, systemActor());
      await limits.consume("request_ip", "203.0.113.77", systemActor());
    }
    expect((await errorOf(limits.consume("read_user", reader, systemActor()))).message).toContain("5 reads a minute");
    const rows = await handle.db.select().from(rateLimitRows);
    expect(rows.filter((row) => row.key.startsWith("read_user:") || row.key.startsWith("request_ip:"))).toEqual([]);
    // Actions still count in the shared table.
    await limits.consume("action_user", reader, systemActor());
    const [action] = await handle.db
      .select()
      .from(rateLimitRows)
      .where(eq(rateLimitRows.key, `action_user:${reader}`));
    expect(action).toBeDefined();
  });
});

import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, sessions } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { createTestUser, TEST_SESSION_POLICY } from "@/test/support/users";
import { systemActor } from "../../audit/actor";
import { signInWithPassword } from "../../auth/sign-in";
import { RateLimits } from "./rate-limits";

let handle: TestDatabase;
let limits: RateLimits;

beforeAll(async () => {
  handle = await createTestDatabase();
  limits = new RateLimits({ handle, db: handle.db, isAllowlisted: async () => false });
});
afterAll(async () => {
  await handle.drop();
});

const from = (ip: string) => ({ ip, userAgent: "vitest", requestId: `req-${ip}` });

describe(`sign-in lock (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("locks an account and address pair for 15 minutes after 10 failures in a row, even for the right password", async () => {
    const { user, password } = await createTestUser(handle.db, { role: "viewer" });
    const ip = "203.0.113.21";
    for (let i = 1; i <= 9; i++)
      expect(
        await signInWithPassword(
          handle.db,
          { email: user.email, password: "wrong-password-1" },
          from(ip),
          TEST_SESSION_POLICY,
          limits,
        ),
      ).toEqual({ ok: false });
    const tenth = await signInWithPassword(
      handle.db,
      { email: user.email, password: "wrong-password-1" },
      from(ip),
      TEST_SESSION_POLICY,
      limits,
    );
    expect(tenth.ok).toBe(false);
    expect(tenth.ok === false && tenth.retryAfterSeconds).toBeGreaterThan(14 * 60);

    const sessionsBefore = (await handle.db.select().from(sessions).where(eq(sessions.userId, user.id))).length;
    const right = await signInWithPassword(
      handle.db,
      { email: user.email, password },
      from(ip),
      TEST_SESSION_POLICY,
      limits,
    );
    expect(right).toMatchObject({ ok: false, retryAfterSeconds: expect.any(Number) });
    expect((await handle.db.select().from(sessions).where(eq(sessions.userId, user.id))).length).toBe(sessionsBefore);
    const refusals = await handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.eventType, "auth.sign_in_failed"), eq(auditEvents.outcome, "failure")));
    expect(refusals.some((row) => (row.eventMeta as { reason?: string }).reason === "rate_limited")).toBe(true);
    const tripped = await handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.eventType, "rate_limit.exceeded"), eq(auditEvents.entityId, "sign_in_account_ip")));
    expect(tripped).toHaveLength(1);

    // The same account from another address is not locked.
    expect(
      await signInWithPassword(
        handle.db,
        { email: user.email, password },
        from("203.0.113.22"),
        TEST_SESSION_POLICY,
        limits,
      ),
    ).toMatchObject({ ok: true });
  });

  it("counts failures in a row: a successful sign-in starts the count again", async () => {
    const { user, password } = await createTestUser(handle.db, { role: "viewer" });
    const ip = "203.0.113.31";
    for (let i = 0; i < 8; i++)
      await signInWithPassword(
        handle.db,
        { email: user.email, password: "nope-nope-nope" },
        from(ip),
        TEST_SESSION_POLICY,
        limits,
      );
    expect(
      await signInWithPassword(handle.db, { email: user.email, password }, from(ip), TEST_SESSION_POLICY, limits),
    ).toMatchObject({ ok: true });
    for (let i = 0; i < 9; i++)
      await signInWithPassword(
        handle.db,
        { email: user.email, password: "nope-nope-nope" },
        from(ip),
        TEST_SESSION_POLICY,
        limits,
      );
    expect(
      await signInWithPassword(handle.db, { email: user.email, password }, from(ip), TEST_SESSION_POLICY, limits),
    ).toMatchObject({ ok: true });
  });

  it("locks an address after 100 failures in a day, whatever accounts it tries", async () => {
    const { user, password } = await createTestUser(handle.db, { role: "viewer" });
    const ip = "203.0.113.41";
    for (let i = 0; i < 99; i++) await limits.take("sign_in_ip_day", ip, systemActor());
    const hundredth = await signInWithPassword(
      handle.db,
      { email: `nobody-${Date.now()}@example.test`, password: "whatever-it-is" },
      from(ip),
      TEST_SESSION_POLICY,
      limits,
    );
    expect(hundredth).toMatchObject({ ok: false, retryAfterSeconds: expect.any(Number) });
    expect(
      await signInWithPassword(handle.db, { email: user.email, password }, from(ip), TEST_SESSION_POLICY, limits),
    ).toMatchObject({ ok: false, retryAfterSeconds: expect.any(Number) });
  });
});

import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, sessions, users } from "@/db/schema";
import { errorOf } from "@/test/support/errors";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import {
  anonymousContext,
  callerAs,
  contextFor,
  createTestUser,
  TEST_SESSION_POLICY,
  uniqueEmail,
} from "@/test/support/users";
import { AppError } from "../errors";
import { verifyPassword } from "../auth/password";
import { resolveSession } from "../auth/sessions";
import { verifyAuditChain } from "../audit/verify";
import { createCaller } from "./_app";

let handle: TestDatabase;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });
  await handle.drop();
});

async function auditOf(entityId: string) {
  return handle.db.select().from(auditEvents).where(eq(auditEvents.entityId, entityId)).orderBy(auditEvents.seq);
}

describe(`users router (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("answers UNAUTHORIZED without a session", async () => {
    const caller = createCaller(anonymousContext(handle.db));
    expect((await errorOf(caller.users.list())).code).toBe("UNAUTHORIZED");
    expect((await errorOf(caller.account.sessions())).code).toBe("UNAUTHORIZED");
    expect(await caller.session.me()).toBeNull();
  });

  it("refuses every admin procedure to roles below admin", async () => {
    for (const role of ["viewer", "responder", "lead"] as const) {
      const { user } = await createTestUser(handle.db, { role });
      const caller = await callerAs(handle.db, user);
      const before = await handle.db.select().from(users);
      expect((await errorOf(caller.users.list())).code).toBe("FORBIDDEN");
      expect((await errorOf(caller.users.create({ email: uniqueEmail(), name: "X", role: "admin" }))).code).toBe(
        "FORBIDDEN",
      );
      expect((await errorOf(caller.users.changeRole({ userId: user.id, role: "admin" }))).code).toBe("FORBIDDEN");
      expect(await handle.db.select().from(users)).toEqual(before);
    }
  });

  it("lets an admin create a user with a one-time password they must change, and records it", async () => {
    const { user: admin } = await createTestUser(handle.db, { role: "admin" });
    const caller = await callerAs(handle.db, admin);
    const email = uniqueEmail("new");
    const { user, oneTimePassword } = await caller.users.create({
      email: `  ${email.toUpperCase()} `,
      name: "New Person",
      role: "responder",
    });
    expect(user.email).toBe(email);
    expect(user).not.toHaveProperty("passwordHash");
    const [stored] = await handle.db.select().from(users).where(eq(users.id, user.id));
    expect(stored!.mustChangePassword).toBe(true);
    expect(await verifyPassword(oneTimePassword, stored!.passwordHash!)).toBe(true);
    const [event] = await auditOf(user.id);
    expect(event).toMatchObject({ eventType: "user.created", actorUserId: admin.id, outcome: "success" });
    expect(JSON.stringify(event)).not.toContain(oneTimePassword);
    expect((await caller.users.list()).some((u) => u.id === user.id)).toBe(true);
  });

  it("names the field and changes nothing on bad input", async () => {
    const { user: admin } = await createTestUser(handle.db, { role: "admin" });
    const caller = await callerAs(handle.db, admin);
    const before = await handle.db.select().from(users);
    const auditBefore = await handle.db.select().from(auditEvents);

    const invalid = await errorOf(caller.users.create({ email: "not-an-email", name: "", role: "root" as never }));
    expect(invalid.code).toBe("BAD_REQUEST");
    const existing = before[0]!;
    const duplicate = await errorOf(caller.users.create({ email: existing.email, name: "Dup", role: "viewer" }));
    expect(duplicate).toBeInstanceOf(AppError);
    expect((duplicate as AppError).details?.fields).toEqual({ email: "A user with this email already exists." });
    const unknown = await errorOf(
      caller.users.changeRole({ userId: "00000000-0000-4000-8000-000000000000", role: "lead" }),
    );
    expect(unknown.code).toBe("NOT_FOUND");

    expect(await handle.db.select().from(users)).toEqual(before);
    expect(await handle.db.select().from(auditEvents)).toEqual(auditBefore);
  });

  it("changes roles with before and after in the audit trail, but never one's own", async () => {
    const { user: admin } = await createTestUser(handle.db, { role: "admin" });
    const { user: target } = await createTestUser(handle.db, { role: "viewer" });
    const caller = await callerAs(handle.db, admin);
    await caller.users.changeRole({ userId: target.id, role: "lead" });
    const events = await auditOf(target.id);
    expect(events.at(-1)).toMatchObject({ eventType: "user.role_changed", eventMeta: { from: "viewer", to: "lead" } });
    const self = await errorOf(caller.users.changeRole({ userId: admin.id, role: "viewer" }));
    expect(self.code).toBe("FORBIDDEN");
  });

  it("ends every session of a user at once when they are disabled", async () => {
    const { user: admin } = await createTestUser(handle.db, { role: "admin" });
    const { user: target } = await createTestUser(handle.db, { role: "responder" });
    const targetContext = await contextFor(handle.db, target);
    const second = await contextFor(handle.db, target);
    const caller = await callerAs(handle.db, admin);

    const result = await caller.users.setDisabled({ userId: target.id, disabled: true });
    expect(result).toEqual({ changed: true, sessionsEnded: 2 });
    expect(await resolveSession(handle.db, targetContext.session!.sessionId, TEST_SESSION_POLICY)).toBeNull();
    expect(await resolveSession(handle.db, second.session!.sessionId, TEST_SESSION_POLICY)).toBeNull();
    const open = await handle.db.select().from(sessions).where(eq(sessions.userId, target.id));
    expect(open.every((s) => s.revokedReason === "user_disabled")).toBe(true);

    await caller.users.setDisabled({ userId: target.id, disabled: false });
    expect((await auditOf(target.id)).map((e) => e.eventType).slice(-2)).toEqual(["user.disabled", "user.enabled"]);
  });

  it("keeps at least one active admin when the last two disable each other at once", async () => {
    const isolated = await createTestDatabase();
    try {
      const { user: a } = await createTestUser(isolated.db, { role: "admin" });
      const { user: b } = await createTestUser(isolated.db, { role: "admin" });
      const [callerA, callerB] = await Promise.all([callerAs(isolated.db, a), callerAs(isolated.db, b)]);
      const outcomes = await Promise.allSettled([
        callerA.users.setDisabled({ userId: b.id, disabled: true }),
        callerB.users.setDisabled({ userId: a.id, disabled: true }),
      ]);
      expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
      const refused = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
      expect(refused.reason).toMatchObject({ code: "CONFLICT" });
      const active = (await isolated.db.select().from(users)).filter((u) => u.role === "admin" && !u.disabledAt);
      expect(active).toHaveLength(1);
    } finally {
      await isolated.drop();
    }
  });

  it("resets a password: new one-time password, sessions ended, must change", async () => {
    const { user: admin } = await createTestUser(handle.db, { role: "admin" });
    const { user: target, password: oldPassword } = await createTestUser(handle.db, { role: "viewer" });
    const targetContext = await contextFor(handle.db, target);
    const caller = await callerAs(handle.db, admin);
    const { oneTimePassword } = await caller.users.resetPassword({ userId: target.id });
    const [stored] = await handle.db.select().from(users).where(eq(users.id, target.id));
    expect(await verifyPassword(oneTimePassword, stored!.passwordHash!)).toBe(true);
    expect(await verifyPassword(oldPassword, stored!.passwordHash!)).toBe(false);
    expect(stored!.mustChangePassword).toBe(true);
    expect(await resolveSession(handle.db, targetContext.session!.sessionId, TEST_SESSION_POLICY)).toBeNull();
  });
});

import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { contextFor, createTestUser, TEST_SESSION_POLICY, testPassword } from "@/test/support/users";
import { verifyPassword } from "../auth/password";
import { resolveSession } from "../auth/sessions";
import { createCaller } from "./_app";

let handle: TestDatabase;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle.drop();
});

describe(`account router (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("holds a user with a one-time password to changing it, then lets them in", async () => {
    const { user, password } = await createTestUser(handle.db, { role: "admin", mustChangePassword: true });
    const context = await contextFor(handle.db, user);
    const caller = createCaller(context);
    await expect(caller.users.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(caller.account.sessions()).rejects.toMatchObject({ code: "FORBIDDEN" });

    const newPassword = testPassword();
    await caller.account.changePassword({ currentPassword: password, newPassword, confirmPassword: newPassword });
    const [stored] = await handle.db.select().from(users).where(eq(users.id, user.id));
    expect(stored!.mustChangePassword).toBe(false);
    expect(await verifyPassword(newPassword, stored!.passwordHash!)).toBe(true);
    const fresh = createCaller({
      ...context,
      session: await resolveSession(handle.db, context.session!.sessionId, TEST_SESSION_POLICY),
    });
    expect(Array.isArray(await fresh.users.list())).toBe(true);
  });

  it("refuses a wrong current password on the currentPassword field and keeps the old one", async () => {
    const { user, password } = await createTestUser(handle.db, { role: "viewer" });
    const caller = createCaller(await contextFor(handle.db, user));
    const newPassword = testPassword();
    const error = await caller.account
      .changePassword({ currentPassword: `${password}-wrong`, newPassword, confirmPassword: newPassword })
      .catch((e: unknown) => e as TRPCError & { details?: { fields?: Record<string, string> } });
    expect(error).toMatchObject({
      code: "BAD_REQUEST",
      details: { fields: { currentPassword: "The current password is not correct." } },
    });
    const [stored] = await handle.db.select().from(users).where(eq(users.id, user.id));
    expect(await verifyPassword(password, stored!.passwordHash!)).toBe(true);
  });

  it("ends the user's other sessions when the password changes, and lists and ends sessions on request", async () => {
    const { user, password } = await createTestUser(handle.db, { role: "viewer" });
    const here = await contextFor(handle.db, user);
    const elsewhere = await contextFor(handle.db, user);
    const third = await contextFor(handle.db, user);
    const caller = createCaller(here);

    const listed = await caller.account.sessions();
    expect(listed).toHaveLength(3);
    expect(listed.filter((s) => s.current).map((s) => s.id)).toEqual([here.session!.sessionId]);

    await caller.account.revokeSession({ sessionId: third.session!.sessionId });
    expect(await resolveSession(handle.db, third.session!.sessionId, TEST_SESSION_POLICY)).toBeNull();

    const newPassword = testPassword();
    await caller.account.changePassword({ currentPassword: password, newPassword, confirmPassword: newPassword });
    expect(await resolveSession(handle.db, elsewhere.session!.sessionId, TEST_SESSION_POLICY)).toBeNull();
    expect(await resolveSession(handle.db, here.session!.sessionId, TEST_SESSION_POLICY)).not.toBeNull();

    const activity = await caller.account.activity();
    expect(activity.map((e) => e.eventType)).toEqual(
      expect.arrayContaining(["user.password_changed", "session.revoked"]),
    );
  });

  it("cannot end someone else's session", async () => {
    const { user: a } = await createTestUser(handle.db, { role: "viewer" });
    const { user: b } = await createTestUser(handle.db, { role: "viewer" });
    const bContext = await contextFor(handle.db, b);
    const caller = createCaller(await contextFor(handle.db, a));
    await expect(caller.account.revokeSession({ sessionId: bContext.session!.sessionId })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await resolveSession(handle.db, bContext.session!.sessionId, TEST_SESSION_POLICY)).not.toBeNull();
  });
});

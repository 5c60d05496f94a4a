import { desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, sessions, users } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { createTestUser, TEST_SESSION_POLICY, uniqueEmail } from "@/test/support/users";
import { fingerprintSecret } from "../audit/fingerprint";
import { resolveSession, revokeSession, sessionOwnerActor } from "./sessions";
import { signInWithOidc, signInWithPassword } from "./sign-in";

let handle: TestDatabase;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle.drop();
});

const request = { ip: "198.51.100.20", userAgent: "vitest", requestId: "req-sign-in" };

async function lastEvent() {
  const [event] = await handle.db.select().from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1);
  return event!;
}

describe(`signing in (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("opens a session for the right password and records it", async () => {
    const { user, password } = await createTestUser(handle.db, { role: "responder" });
    const result = await signInWithPassword(
      handle.db,
      { email: user.email.toUpperCase(), password },
      request,
      TEST_SESSION_POLICY,
    );
    expect(result).toMatchObject({ ok: true, userId: user.id });
    const session = await resolveSession(handle.db, (result as { sessionId: string }).sessionId, TEST_SESSION_POLICY);
    expect(session?.user).toMatchObject({ id: user.id, role: "responder" });
    expect(await lastEvent()).toMatchObject({
      eventType: "auth.signed_in",
      actorUserId: user.id,
      requestMeta: request,
      outcome: "success",
    });
  });

  it("gives the same answer for a wrong password, an unknown email and a disabled account", async () => {
    const { user, password } = await createTestUser(handle.db, { role: "viewer" });
    const { user: disabled, password: disabledPassword } = await createTestUser(handle.db, {
      role: "viewer",
      disabled: true,
    });
    const attempts = [
      { email: user.email, password: `${password}x`, reason: "wrong_password" },
      { email: uniqueEmail("nobody"), password, reason: "unknown_account" },
      { email: disabled.email, password: disabledPassword, reason: "disabled" },
    ];
    for (const attempt of attempts) {
      const result = await signInWithPassword(handle.db, attempt, request, TEST_SESSION_POLICY);
      expect(result).toEqual({ ok: false });
      const event = await lastEvent();
      expect(event).toMatchObject({
        eventType: "auth.sign_in_failed",
        outcome: "failure",
        eventMeta: { reason: attempt.reason },
      });
    }
  });

  it("keeps only a fingerprint of an unknown identifier, which may be a mistyped password", async () => {
    const typedIntoEmail = "my-actual-password-123";
    await signInWithPassword(handle.db, { email: typedIntoEmail, password: "whatever" }, request, TEST_SESSION_POLICY);
    const event = await lastEvent();
    expect(event.eventMeta).toEqual({
      reason: "malformed",
      attemptedEmailFingerprint: fingerprintSecret(typedIntoEmail),
    });
    expect(JSON.stringify(event)).not.toContain(typedIntoEmail);
  });

  it("ends sessions that are revoked, idle too long or past their lifetime", async () => {
    const { user, password } = await createTestUser(handle.db, { role: "viewer" });
    const open = async () =>
      (
        (await signInWithPassword(handle.db, { email: user.email, password }, request, TEST_SESSION_POLICY)) as {
          sessionId: string;
        }
      ).sessionId;

    const idle = await open();
    const later = new Date(Date.now() + TEST_SESSION_POLICY.idleTimeoutMs + 1000);
    expect(await resolveSession(handle.db, idle, TEST_SESSION_POLICY, later)).toBeNull();

    const expired = await open();
    await handle.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.id, expired));
    expect(await resolveSession(handle.db, expired, TEST_SESSION_POLICY)).toBeNull();

    const signedOut = await open();
    const actor = (await sessionOwnerActor(handle.db, signedOut, request))!;
    expect(await revokeSession(handle.db, actor, signedOut, "signed_out", "auth.signed_out")).toBe(true);
    expect(await resolveSession(handle.db, signedOut, TEST_SESSION_POLICY)).toBeNull();
    expect(await lastEvent()).toMatchObject({ eventType: "auth.signed_out", actorUserId: user.id });
  });

  it("admits single sign-on only for known people unless auto-creation names a role", async () => {
    const { user } = await createTestUser(handle.db, { role: "lead" });
    expect(
      await signInWithOidc(handle.db, { email: user.email, name: null }, request, TEST_SESSION_POLICY, undefined),
    ).toMatchObject({ ok: true, userId: user.id });

    const stranger = uniqueEmail("sso");
    expect(
      await signInWithOidc(handle.db, { email: stranger, name: "Stranger" }, request, TEST_SESSION_POLICY, undefined),
    ).toEqual({ ok: false });
    expect((await lastEvent()).eventMeta).toMatchObject({ reason: "not_provisioned" });

    const created = await signInWithOidc(
      handle.db,
      { email: stranger, name: "Stranger" },
      request,
      TEST_SESSION_POLICY,
      "viewer",
    );
    expect(created.ok).toBe(true);
    const [row] = await handle.db.select().from(users).where(eq(users.email, stranger));
    expect(row).toMatchObject({ role: "viewer", passwordHash: null });
  });
});

import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "@/db/client";
import { users } from "@/db/schema";
import type { CreateUserInput } from "@/lib/schemas/users";
import type { Role } from "@/lib/roles";
import type { ChangePasswordInput } from "@/lib/schemas/account";
import { appendAuditEvent } from "../audit/append";
import type { Actor } from "../audit/actor";
import { AppError } from "../errors";
import { generateOneTimePassword, hashPassword, verifyPassword } from "../auth/password";
import { forgetCachedSessions } from "../auth/process-session-cache";
import { revokeUserSessions } from "../auth/sessions";
import { notifySessionsChanged } from "../live/notify";
import { getUser, publicUserColumns } from "./queries";

/**
 * Creates a user with a one-time password that they must change at first sign-in. The password
 * is returned once, for the admin to hand over; only its hash is stored.
 */
export async function createUser(db: Database, actor: Actor, input: CreateUserInput) {
  const oneTimePassword = generateOneTimePassword();
  const passwordHash = await hashPassword(oneTimePassword);
  const user = await db.transaction(async (tx) => {
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.email, input.email));
    if (existing) throw AppError.field("email", "A user with this email already exists.", "CONFLICT");
    const [created] = await tx
      .insert(users)
      .values({ email: input.email, name: input.name, role: input.role, passwordHash, mustChangePassword: true })
      .returning(publicUserColumns);
    await appendAuditEvent(tx, actor, {
      eventType: "user.created",
      outcome: "success",
      entityType: "user",
      entityId: created!.id,
      meta: { email: input.email, name: input.name, role: input.role },
    });
    return created!;
  });
  return { user, oneTimePassword };
}

export async function changeUserRole(db: Database, actor: Actor, input: { userId: string; role: Role }) {
  const result = await db.transaction(async (tx) => {
    const user = await getUser(tx, input.userId);
    if (user.id === actor.userId)
      throw AppError.field("role", "You cannot change your own role; ask another admin.", "FORBIDDEN");
    if (user.role === input.role) return { changed: false };
    if (user.role === "admin") await assertAnotherActiveAdmin(tx, user.id);
    await tx.update(users).set({ role: input.role, updatedAt: new Date() }).where(eq(users.id, user.id));
    await appendAuditEvent(tx, actor, {
      eventType: "user.role_changed",
      outcome: "success",
      entityType: "user",
      entityId: user.id,
      meta: { email: user.email, from: user.role, to: input.role },
    });
    await notifySessionsChanged(tx, user.id, null);
    return { changed: true };
  });
  if (result.changed) forgetCachedSessions(input.userId, null);
  return result;
}

/** Disabling a user ends all of their sessions in the same transaction. */
export async function setUserDisabled(db: Database, actor: Actor, input: { userId: string; disabled: boolean }) {
  const result = await db.transaction(async (tx) => {
    const user = await getUser(tx, input.userId);
    if (input.disabled && user.id === actor.userId) {
      throw AppError.field("userId", "You cannot disable your own account.", "FORBIDDEN");
    }
    if (Boolean(user.disabledAt) === input.disabled) return { changed: false, sessionsEnded: 0 };
    if (input.disabled && user.role === "admin") await assertAnotherActiveAdmin(tx, user.id);
    await tx
      .update(users)
      .set({ disabledAt: input.disabled ? new Date() : null, updatedAt: new Date() })
      .where(eq(users.id, user.id));
    const sessionsEnded = input.disabled ? await revokeUserSessions(tx, user.id, "user_disabled") : 0;
    await appendAuditEvent(tx, actor, {
      eventType: input.disabled ? "user.disabled" : "user.enabled",
      outcome: "success",
      entityType: "user",
      entityId: user.id,
      meta: { email: user.email, sessionsEnded },
    });
    await notifySessionsChanged(tx, user.id, null);
    return { changed: true, sessionsEnded };
  });
  if (result.changed) forgetCachedSessions(input.userId, null);
  return result;
}

/** A new one-time password; the user's sessions end and they must choose a new password. */
export async function resetUserPassword(db: Database, actor: Actor, input: { userId: string }) {
  const oneTimePassword = generateOneTimePassword();
  const passwordHash = await hashPassword(oneTimePassword);
  await db.transaction(async (tx) => {
    const user = await getUser(tx, input.userId);
    if (user.id === actor.userId) {
      throw AppError.field("userId", "Change your own password on your account page.", "FORBIDDEN");
    }
    await tx
      .update(users)
      .set({ passwordHash, mustChangePassword: true, updatedAt: new Date() })
      .where(eq(users.id, user.id));
    const sessionsEnded = await revokeUserSessions(tx, user.id, "password_reset");
    await appendAuditEvent(tx, actor, {
      eventType: "user.password_reset",
      outcome: "success",
      entityType: "user",
      entityId: user.id,
      meta: { email: user.email, sessionsEnded },
    });
    await notifySessionsChanged(tx, user.id, null);
  });
  forgetCachedSessions(input.userId, null);
  return { oneTimePassword };
}

/** Changes the signed-in user's own password; their other sessions end. */
export async function changeOwnPassword(db: Database, actor: Actor & { userId: string }, input: ChangePasswordInput) {
  const user = await getUser(db, actor.userId);
  if (!user.passwordHash || !(await verifyPassword(input.currentPassword, user.passwordHash))) {
    await appendAuditEvent(db, actor, {
      eventType: "user.password_change_refused",
      outcome: "refused",
      entityType: "user",
      entityId: user.id,
      meta: { reason: "wrong_current_password" },
    });
    throw AppError.field("currentPassword", "The current password is not correct.");
  }
  const passwordHash = await hashPassword(input.newPassword);
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ passwordHash, mustChangePassword: false, passwordChangedAt: new Date(), updatedAt: new Date() })
      .where(eq(users.id, user.id));
    const sessionsEnded = await revokeUserSessions(tx, user.id, "password_changed", actor.sessionId ?? undefined);
    await appendAuditEvent(tx, actor, {
      eventType: "user.password_changed",
      outcome: "success",
      entityType: "user",
      entityId: user.id,
      meta: { firstSignIn: user.mustChangePassword, otherSessionsEnded: sessionsEnded },
    });
    // This session too: it no longer has to change its password.
    await notifySessionsChanged(tx, user.id, null);
  });
  forgetCachedSessions(user.id, null);
}

/**
 * Refuses to leave Keel without an active admin. Locks the other active admins' rows, so two
 * admins disabling each other at the same moment cannot both succeed.
 */
async function assertAnotherActiveAdmin(db: Parameters<typeof getUser>[0], exceptUserId: string): Promise<void> {
  // Lock every active admin in one order (not just the others), so concurrent calls queue instead of deadlocking.
  const activeAdmins = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, "admin"), isNull(users.disabledAt)))
    .orderBy(users.id)
    .for("update");
  if (!activeAdmins.some((admin) => admin.id !== exceptUserId)) {
    throw AppError.field("userId", "Keel must keep at least one active admin.", "CONFLICT");
  }
}

import { randomBytes } from "node:crypto";
import type { Database } from "../../db/client";
import { users, type User } from "../../db/schema";
import type { Role } from "../../lib/roles";
import { hashPassword } from "../../server/auth/password";
import { createSession, resolveSession, type SessionPolicy } from "../../server/auth/sessions";
import type { Context } from "../../server/context";
import { createCaller } from "../../server/routers/_app";
import { rememberSecret } from "./secrets-used";

export const TEST_SESSION_POLICY: SessionPolicy = { maxAgeMs: 7 * 24 * 3_600_000, idleTimeoutMs: 12 * 3_600_000 };

let counter = 0;

export function uniqueEmail(label = "user"): string {
  return `${label}-${process.pid}-${++counter}-${randomBytes(3).toString("hex")}@example.test`;
}

/** A strong password, remembered for the end-of-run check that no log contains it. */
export function testPassword(): string {
  return rememberSecret(`pw-${randomBytes(12).toString("base64url")}`);
}

export async function createTestUser(
  db: Database,
  options: { role: Role; email?: string; mustChangePassword?: boolean; disabled?: boolean } = { role: "viewer" },
): Promise<{ user: User; password: string }> {
  const password = testPassword();
  const [user] = await db
    .insert(users)
    .values({
      email: options.email ?? uniqueEmail(options.role),
      name: `Test ${options.role}`,
      role: options.role,
      passwordHash: await hashPassword(password),
      mustChangePassword: options.mustChangePassword ?? false,
      disabledAt: options.disabled ? new Date() : null,
    })
    .returning();
  return { user: user!, password };
}

export function requestInfo() {
  return { requestId: `test-${randomBytes(6).toString("hex")}`, ip: "203.0.113.7", userAgent: "vitest" };
}

export function anonymousContext(db: Database): Context {
  return { db, session: null, request: requestInfo(), engine: null, rateLimits: null };
}

/** A tRPC context for `user`, backed by a real session row. */
export async function contextFor(db: Database, user: User, engine: Context["engine"] = null): Promise<Context> {
  const sessionId = await createSession(db, {
    userId: user.id,
    method: "password",
    ip: "203.0.113.7",
    userAgent: "vitest",
    policy: TEST_SESSION_POLICY,
  });
  const session = await resolveSession(db, sessionId, TEST_SESSION_POLICY);
  if (!session) throw new Error("session did not resolve");
  return { db, session, request: requestInfo(), engine, rateLimits: null };
}

export async function callerAs(db: Database, user: User, engine: Context["engine"] = null) {
  return createCaller(await contextFor(db, user, engine));
}

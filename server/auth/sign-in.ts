import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { users, type RequestMeta, type User } from "@/db/schema";
import { signInInput } from "@/lib/schemas/account";
import type { Role } from "@/lib/roles";
import { appendAuditEvent } from "../audit/append";
import type { Actor } from "../audit/actor";
import { fingerprintSecret } from "../audit/fingerprint";
import { spendPasswordCheckTime, verifyPassword } from "./password";
import type { RateLimits } from "../security/rate-limits/rate-limits";
import { signInGuard } from "../security/rate-limits/sign-in-guard";
import { createSession, type SessionPolicy } from "./sessions";

export type SignInResult = { ok: true; userId: string; sessionId: string } | { ok: false; retryAfterSeconds?: number };

type FailureReason =
  "malformed" | "unknown_account" | "no_password" | "wrong_password" | "disabled" | "not_provisioned" | "rate_limited";

/**
 * Email + password sign-in. Every failure looks the same to the caller (no user enumeration) and
 * costs the same time; the audit trail records the real reason.
 */
export async function signInWithPassword(
  db: Database,
  credentials: { email?: unknown; password?: unknown },
  request: RequestMeta,
  policy: SessionPolicy,
  limits: RateLimits | null = null,
): Promise<SignInResult> {
  const guard = signInGuard(limits, credentials.email, request);
  const locked = await guard.locked();
  if (locked) {
    await spendPasswordCheckTime(typeof credentials.password === "string" ? credentials.password : "");
    await recordFailure(db, null, credentials.email, request, "rate_limited");
    return { ok: false, retryAfterSeconds: locked.retryAfterSeconds };
  }
  const failed = async (user: User | null, attempted: unknown, reason: FailureReason): Promise<SignInResult> => {
    await recordFailure(db, user, attempted, request, reason);
    const refusal = await guard.failed(
      user ? { userId: user.id, label: user.email, sessionId: null, request } : systemActorFor(request, "anonymous"),
    );
    return refusal ? { ok: false, retryAfterSeconds: refusal.retryAfterSeconds } : { ok: false };
  };
  const parsed = signInInput.safeParse(credentials);
  if (!parsed.success) {
    await spendPasswordCheckTime(typeof credentials.password === "string" ? credentials.password : "");
    return failed(null, credentials.email, "malformed");
  }
  const { email, password } = parsed.data;
  const user = await findUserByEmail(db, email);
  if (!user || !user.passwordHash) {
    await spendPasswordCheckTime(password);
    return failed(user ?? null, email, user ? "no_password" : "unknown_account");
  }
  if (!(await verifyPassword(password, user.passwordHash))) return failed(user, email, "wrong_password");
  if (user.disabledAt) return failed(user, email, "disabled");
  await guard.succeeded();
  return { ok: true, userId: user.id, sessionId: await startSession(db, user, "password", request, policy) };
}

/**
 * Sign-in through the configured OIDC provider, matched by verified email. Unknown people are
 * refused unless OIDC_AUTO_CREATE_ROLE names the role to give them.
 */
export async function signInWithOidc(
  db: Database,
  profile: { email: string; name: string | null },
  request: RequestMeta,
  policy: SessionPolicy,
  autoCreateRole: Role | undefined,
): Promise<SignInResult> {
  const email = profile.email.trim().toLowerCase();
  let user = await findUserByEmail(db, email);
  if (!user && autoCreateRole) {
    user = await db.transaction(async (tx) => {
      const [created] = await tx
        .insert(users)
        .values({ email, name: profile.name?.trim() || email, role: autoCreateRole })
        .returning();
      await appendAuditEvent(tx, systemActorFor(request), {
        eventType: "user.created",
        outcome: "success",
        entityType: "user",
        entityId: created!.id,
        meta: { email, role: autoCreateRole, via: "oidc" },
      });
      return created!;
    });
  }
  if (!user) {
    await recordFailure(db, null, email, request, "not_provisioned");
    return { ok: false };
  }
  if (user.disabledAt) {
    await recordFailure(db, user, email, request, "disabled");
    return { ok: false };
  }
  return { ok: true, userId: user.id, sessionId: await startSession(db, user, "oidc", request, policy) };
}

async function findUserByEmail(db: Database, email: string): Promise<User | undefined> {
  const [user] = await db.select().from(users).where(eq(users.email, email));
  return user;
}

async function startSession(
  db: Database,
  user: User,
  method: "password" | "oidc",
  request: RequestMeta,
  policy: SessionPolicy,
): Promise<string> {
  return db.transaction(async (tx) => {
    const sessionId = await createSession(tx, {
      userId: user.id,
      method,
      ip: request.ip ?? null,
      userAgent: request.userAgent ?? null,
      policy,
    });
    await tx.update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, user.id));
    await appendAuditEvent(
      tx,
      { userId: user.id, label: user.email, sessionId, request },
      {
        eventType: "auth.signed_in",
        outcome: "success",
        entityType: "user",
        entityId: user.id,
        meta: { method },
      },
    );
    return sessionId;
  });
}

async function recordFailure(
  db: Database,
  user: User | null,
  attempted: unknown,
  request: RequestMeta,
  reason: FailureReason,
): Promise<void> {
  const actor: Actor = user
    ? { userId: user.id, label: user.email, sessionId: null, request }
    : systemActorFor(request, "anonymous");
  // An unknown "email" may be a password typed into the wrong field: keep only its fingerprint.
  const attemptedIdentity = user
    ? { email: user.email }
    : {
        attemptedEmailFingerprint: fingerprintSecret(
          typeof attempted === "string" ? attempted.trim().toLowerCase() : "",
        ),
      };
  await appendAuditEvent(db, actor, {
    eventType: "auth.sign_in_failed",
    outcome: "failure",
    entityType: user ? "user" : null,
    entityId: user?.id ?? null,
    meta: { reason, ...attemptedIdentity },
  });
}

function systemActorFor(request: RequestMeta, label = "system"): Actor {
  return { userId: null, label, sessionId: null, request };
}

import "server-only";
import type { NextAuthOptions, User } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { headers } from "next/headers";
import { getEnv } from "../config/env";
import { requestInfoFromHeaders } from "../context";
import { getDb } from "../db";
import { getLogger } from "../observability/logger";
import { sessionPolicyFromEnv } from "./session-policy";
import { revokeSession, sessionOwnerActor } from "./sessions";
import { getRateLimits } from "../security/rate-limits/process-limits";
import { SIGN_IN_RATE_LIMITED } from "@/lib/auth/sign-in-errors";
import { signInWithOidc, signInWithPassword } from "./sign-in";

declare module "next-auth" {
  interface User {
    /** Keel's session row id, created at sign-in. */
    sid?: string;
  }
  interface Session {
    sid?: string;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    sid?: string;
  }
}

export const OIDC_PROVIDER_ID = "oidc";

async function currentRequestMeta() {
  const info = requestInfoFromHeaders(await headers());
  return { ip: info.ip, userAgent: info.userAgent, requestId: info.requestId };
}

/**
 * next-auth carries only Keel's session id in its signed cookie; who the user is, their role and
 * whether the session is still valid always come from the database (server/auth/current-session.ts).
 */
export function getAuthOptions(): NextAuthOptions {
  const env = getEnv();
  process.env.NEXTAUTH_URL ??= env.publicUrl;
  const policy = sessionPolicyFromEnv();
  const providers: NextAuthOptions["providers"] = [
    CredentialsProvider({
      id: "credentials",
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials): Promise<User | null> {
        const result = await signInWithPassword(
          await getDb(),
          credentials ?? {},
          await currentRequestMeta(),
          policy,
          await getRateLimits(),
        );
        if (!result.ok && result.retryAfterSeconds)
          throw new Error(`${SIGN_IN_RATE_LIMITED}${result.retryAfterSeconds}`);
        return result.ok ? { id: result.userId, sid: result.sessionId } : null;
      },
    }),
  ];
  if (env.oidc) {
    providers.push({
      id: OIDC_PROVIDER_ID,
      name: env.oidc.displayName,
      type: "oauth",
      wellKnown: `${env.oidc.issuer.replace(/\/$/, "")}/.well-known/openid-configuration`,
      clientId: env.oidc.clientId,
      clientSecret: env.oidc.clientSecret,
      idToken: true,
      checks: ["pkce", "state"],
      authorization: { params: { scope: "openid email profile" } },
      profile(profile: { sub: string; email?: string; name?: string; preferred_username?: string }) {
        return {
          id: profile.sub,
          email: profile.email ?? null,
          name: profile.name ?? profile.preferred_username ?? null,
        };
      },
    });
  }
  return {
    secret: env.AUTH_SECRET,
    providers,
    session: { strategy: "jwt", maxAge: Math.floor(policy.maxAgeMs / 1000) },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    logger: {
      error: (code, metadata) => getLogger().error({ code, metadata }, "next-auth error"),
      warn: (code) => getLogger().warn({ code }, "next-auth warning"),
      debug: () => undefined,
    },
    callbacks: {
      async signIn({ user, account, profile }) {
        if (account?.provider !== OIDC_PROVIDER_ID) return true;
        const claims = profile as { email?: string; email_verified?: boolean; name?: string } | undefined;
        if (!claims?.email || claims.email_verified === false) return "/sign-in?error=OidcEmailUnverified";
        const result = await signInWithOidc(
          await getDb(),
          { email: claims.email, name: claims.name ?? null },
          await currentRequestMeta(),
          policy,
          env.OIDC_AUTO_CREATE_ROLE,
        );
        if (!result.ok) return "/sign-in?error=OidcNotProvisioned";
        user.id = result.userId;
        user.sid = result.sessionId;
        return true;
      },
      jwt({ token, user }) {
        if (user?.sid) {
          token.sid = user.sid;
          token.sub = user.id;
        }
        return token;
      },
      session({ session, token }) {
        return { expires: session.expires, sid: token.sid };
      },
    },
    events: {
      async signOut({ token }) {
        if (!token?.sid) return;
        const db = await getDb();
        const actor = await sessionOwnerActor(db, token.sid, await currentRequestMeta());
        if (actor) await revokeSession(db, actor, token.sid, "signed_out", "auth.signed_out");
      },
    },
  };
}

import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { users } from "@/db/schema";
import { appendAuditEvent } from "../audit/append";
import { systemActor } from "../audit/actor";
import { generateOneTimePassword, hashPassword } from "../auth/password";
import { countUsers } from "../users/queries";

const INITIAL_ADMIN_LOCK_KEY = 4_127_002;

export type InitialAdminOutcome =
  { created: false } | { created: true; email: string; generatedPassword: string | null };

/**
 * When there are no users, creates the first admin, who must change the password at first
 * sign-in. The password is KEEL_INITIAL_ADMIN_PASSWORD when set, otherwise generated and
 * returned so that start-up can print it once.
 */
export async function ensureInitialAdmin(
  db: Database,
  options: { email: string; password?: string },
): Promise<InitialAdminOutcome> {
  const generatedPassword = options.password ? null : generateOneTimePassword();
  const passwordHash = await hashPassword(options.password ?? generatedPassword!);
  return db.transaction(async (tx) => {
    // Instances starting together on one database create the admin once.
    await tx.execute(sql`select pg_advisory_xact_lock(${INITIAL_ADMIN_LOCK_KEY})`);
    if ((await countUsers(tx)) > 0) return { created: false } as const;
    const [admin] = await tx
      .insert(users)
      .values({ email: options.email, name: "Administrator", role: "admin", passwordHash, mustChangePassword: true })
      .returning({ id: users.id });
    await appendAuditEvent(tx, systemActor(), {
      eventType: "user.created",
      outcome: "success",
      entityType: "user",
      entityId: admin!.id,
      meta: { email: options.email, role: "admin", initialAdmin: true },
    });
    return { created: true, email: options.email, generatedPassword } as const;
  });
}

/** The terminal banner for a generated password. Written to the terminal only, never to the log. */
export function initialAdminBanner(email: string, password: string, url: string): string {
  const rule = "=".repeat(72);
  return [
    "",
    rule,
    "  Keel created the first administrator. This password is shown only once.",
    "",
    `    Sign in at   ${url}/sign-in`,
    `    Email        ${email}`,
    `    Password     ${password}`,
    "",
    "  You will be asked to choose a new password at first sign-in.",
    rule,
    "",
  ].join("\n");
}

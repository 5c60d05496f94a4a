import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, users } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { verifyPassword } from "../auth/password";
import { ensureInitialAdmin, initialAdminBanner } from "./initial-admin";

let handle: TestDatabase;
beforeEach(async () => {
  handle = await createTestDatabase();
});
afterEach(async () => {
  await handle.drop();
});

describe(`first start (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("creates one admin with a generated one-time password, only when there are no users", async () => {
    const first = await ensureInitialAdmin(handle.db, { email: "admin@keel.local" });
    expect(first).toMatchObject({ created: true, email: "admin@keel.local" });
    const password = (first as { generatedPassword: string }).generatedPassword;
    const [admin] = await handle.db.select().from(users).where(eq(users.email, "admin@keel.local"));
    expect(admin).toMatchObject({ role: "admin", mustChangePassword: true });
    expect(await verifyPassword(password, admin!.passwordHash!)).toBe(true);
    expect(await ensureInitialAdmin(handle.db, { email: "admin@keel.local" })).toEqual({ created: false });
    const events = await handle.db.select().from(auditEvents);
    expect(events).toHaveLength(1);
    expect(JSON.stringify(events)).not.toContain(password);
  });

  it("creates the admin once when instances start together", async () => {
    const outcomes = await Promise.all(
      [1, 2, 3].map(() =>
        ensureInitialAdmin(handle.db, { email: "admin@keel.local", password: "a-configured-password" }),
      ),
    );
    expect(outcomes.filter((o) => o.created)).toHaveLength(1);
    expect(await handle.db.select().from(users)).toHaveLength(1);
  });

  it("prints the password in a banner that says it is shown once", () => {
    const banner = initialAdminBanner("admin@keel.local", "abcde-fghij", "http://localhost:3000");
    expect(banner).toContain("abcde-fghij");
    expect(banner).toContain("shown only once");
    expect(banner).toContain("http://localhost:3000/sign-in");
  });
});

import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, managedSecrets, secretVersions } from "@/db/schema";
import { errorOf } from "@/test/support/errors";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { rememberSecret } from "@/test/support/secrets-used";
import { registerTargetKind } from "@/test/support/targets";
import { callerAs, createTestUser } from "@/test/support/users";
import { fingerprintSecret } from "../audit/fingerprint";
import { verifyAuditChain } from "../audit/verify";
import { readSecretValue } from "../secrets/store";
import { appRouter, createCaller } from "./_app";

let handle: TestDatabase;
let unregister: () => void;
let admin: ReturnType<typeof createCaller>;
let viewer: ReturnType<typeof createCaller>;

beforeAll(async () => {
  unregister = registerTargetKind();
  handle = await createTestDatabase();
  admin = await callerAs(handle.db, (await createTestUser(handle.db, { role: "admin" })).user);
  viewer = await callerAs(handle.db, (await createTestUser(handle.db, { role: "viewer" })).user);
});
afterAll(async () => {
  expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });
  await handle.drop();
  unregister();
});

const policy = { length: 32, alphabet: "base64url" as const };

/**
 * Every query procedure that needs no input, called as the admin: what any page could show.
 * Failures count too (their messages reach the browser).
 */
async function everythingQueriesShow(caller: ReturnType<typeof createCaller>): Promise<string> {
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>;
  const shown: unknown[] = [];
  for (const [path, procedure] of Object.entries(procedures)) {
    if (procedure._def.type !== "query") continue;
    const call = path
      .split(".")
      .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as () => Promise<unknown>;
    shown.push(await call().catch((error: unknown) => (error instanceof Error ? error.message : String(error))));
  }
  return JSON.stringify(shown);
}

describe(`secrets router (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("refuses viewers the create, FORBIDDEN, and stores nothing", async () => {
    const value = rememberSecret(`typed-${randomBytes(12).toString("hex")}`);
    const refused = await errorOf(viewer.secrets.create({ name: "viewer-made", policy, gracePeriodHours: 1, value }));
    expect(refused.code).toBe("FORBIDDEN");
    expect(await handle.db.select().from(managedSecrets).where(eq(managedSecrets.name, "viewer-made"))).toEqual([]);
    expect(JSON.stringify(await handle.db.select().from(auditEvents))).not.toContain(value);
  });

  it("stores a typed value encrypted, answers with its fingerprint only, and never shows or audits the value", async () => {
    const value = rememberSecret(`typed-${randomBytes(12).toString("hex")}`);
    const created = await admin.secrets.create({
      name: "payments-api-key",
      description: "Payments API",
      policy,
      gracePeriodHours: 2,
      value,
    });
    expect(created).toEqual({ name: "payments-api-key", fingerprint: fingerprintSecret(value) });

    expect((await readSecretValue(handle.db, "payments-api-key"))?.value).toBe(value);
    const [version] = await handle.db.select().from(secretVersions);
    expect(version!.ciphertext).not.toContain(value);

    const listed = (await viewer.secrets.list()).find((s) => s.name === "payments-api-key");
    expect(listed).toMatchObject({
      description: "Payments API",
      gracePeriodSeconds: 7200,
      rotationRunId: null,
      versions: [{ version: 1, label: "current", fingerprint: fingerprintSecret(value) }],
    });

    const shown = await everythingQueriesShow(admin);
    expect(shown).toContain(fingerprintSecret(value)); // the walk does reach the secrets list
    expect(shown).not.toContain(value);
    const audit = await handle.db.select().from(auditEvents).where(eq(auditEvents.entityId, "payments-api-key"));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      eventType: "secret.created",
      eventMeta: { fingerprint: fingerprintSecret(value), generated: false },
    });
    expect(JSON.stringify(await handle.db.select().from(auditEvents))).not.toContain(value);
  });

  it("generates a value by policy when none is typed, and keeps it just as hidden", async () => {
    const created = await admin.secrets.create({
      name: "session-signing",
      policy: { length: 48, alphabet: "hex" },
      gracePeriodHours: 0,
    });
    const stored = await readSecretValue(handle.db, "session-signing");
    rememberSecret(stored!.value);
    expect(stored!.value).toMatch(/^[0-9a-f]{48}$/);
    expect(created).toEqual({ name: "session-signing", fingerprint: fingerprintSecret(stored!.value) });
    expect(await everythingQueriesShow(admin)).not.toContain(stored!.value);
    expect(JSON.stringify(await handle.db.select().from(auditEvents))).not.toContain(stored!.value);
    expect(
      (await handle.db.select().from(auditEvents).where(eq(auditEvents.entityId, "session-signing")))[0]!.eventMeta,
    ).toMatchObject({ generated: true });
  });

  it("names the bad field and changes nothing", async () => {
    const before = await handle.db.select().from(managedSecrets);
    const auditBefore = await handle.db.select().from(auditEvents);
    const duplicate = await errorOf(admin.secrets.create({ name: "payments-api-key", policy, gracePeriodHours: 1 }));
    expect(duplicate).toMatchObject({
      code: "CONFLICT",
      details: { fields: { name: "A managed secret with this name already exists." } },
    });
    const badPolicy = await errorOf(
      admin.secrets.create({ name: "short", policy: { length: 4, alphabet: "hex" }, gracePeriodHours: 1 }),
    );
    expect(badPolicy.code).toBe("BAD_REQUEST");
    expect(await handle.db.select().from(managedSecrets)).toEqual(before);
    expect(await handle.db.select().from(auditEvents)).toEqual(auditBefore);
  });
});

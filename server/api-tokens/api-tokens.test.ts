import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiTokens, auditEvents, deployments, managedSecrets, secretVersions } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { rememberSecret } from "@/test/support/secrets-used";
import { callerAs, createTestUser } from "@/test/support/users";
import { systemActor } from "../audit/actor";
import { verifyAuditChain } from "../audit/verify";
import { recordDeploymentEndpoint } from "../deployments/record-deployment-endpoint";
import { secretAad } from "../secrets/store";
import { encryptSecret } from "../security/encryption";
import { fingerprintSecret } from "../audit/fingerprint";
import { saveTarget } from "../targets/commands";
import { RateLimits } from "../security/rate-limits/rate-limits";
import { ensureSigningKey, SIGNING_KEY_SECRET } from "./signing-key";

let handle: TestDatabase;
const tokensSeen: string[] = [];

beforeAll(async () => {
  handle = await createTestDatabase();
  expect(await ensureSigningKey(handle.db)).toBe("created");
  expect(await ensureSigningKey(handle.db)).toBe("present");
  await saveTarget(
    handle.db,
    systemActor(),
    {
      kind: "service",
      name: "web",
      config: {
        deployRepository: "/srv/deploy/web.git",
        rollback: { strategy: "git" },
        health: { url: "https://web.example.com/healthz" },
        allowedHosts: ["web.example.com"],
      },
    },
    "admin",
  );
});

afterAll(async () => {
  expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });
  // No token value anywhere in the database: only hashes and fingerprints.
  const everything = JSON.stringify([
    await handle.db.select().from(auditEvents),
    await handle.db.select().from(apiTokens),
    await handle.db.select().from(deployments),
  ]);
  for (const token of tokensSeen) {
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(token.split(".")[2]);
  }
  await handle.drop();
});

async function admin() {
  const { user } = await createTestUser(handle.db, { role: "admin" });
  return callerAs(handle.db, user);
}

async function newToken(name = "CI: web"): Promise<{ token: string; tokenId: string }> {
  const created = await (await admin()).apiTokens.create({ name, scopes: ["deployments:write"] });
  tokensSeen.push(rememberSecret(created.token));
  return created;
}

function post(body: unknown, token?: string | null, raw?: string) {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-request-id": "req-test-1",
    "x-keel-client-ip": "198.51.100.9",
  };
  if (token) headers.authorization = `Bearer ${token}`;
  return recordDeploymentEndpoint(
    new Request("http://keel.test/api/v1/deployments", { method: "POST", headers, body: raw ?? JSON.stringify(body) }),
    handle.db,
    null,
  );
}

async function refusals() {
  return handle.db.select().from(auditEvents).where(eq(auditEvents.eventType, "api_token.refused"));
}

const driver = process.env.TEST_DATABASE_URL ? "postgres" : "pglite";

describe(`API tokens and POST /api/v1/deployments (${driver})`, () => {
  it("records a deployment with a token an admin created, once shown and stored only hashed", async () => {
    const { token, tokenId } = await newToken();
    expect(token).toMatch(/^keel_pat\.[0-9a-f]{32}\.[\w-]{43}\.[\w-]{43}$/);
    const listed = await (await admin()).apiTokens.list();
    const row = listed.find((t) => t.id === tokenId)!;
    expect(row).toMatchObject({
      name: "CI: web",
      scopes: ["deployments:write"],
      lastUsedAt: null,
      revokedAt: null,
      fingerprint: fingerprintSecret(token),
    });
    expect(JSON.stringify(listed)).not.toContain(token.split(".")[2]);

    const response = await post(
      {
        service: "web",
        version: "v2.4.0",
        commit: "ABCDEF1234567",
        description: "Checkout fix",
        deployedAt: "2026-12-01T09:30:00Z",
      },
      token,
    );
    expect(response.status).toBe(201);
    const body = (await response.json()) as { deployment: Record<string, unknown> };
    expect(body.deployment).toMatchObject({
      service: "web",
      version: "v2.4.0",
      commit: "abcdef1234567",
      source: "api",
      deployedAt: "2026-12-01T09:30:00.000Z",
    });
    const [stored] = await handle.db
      .select()
      .from(deployments)
      .where(eq(deployments.id, body.deployment.id as string));
    expect(stored).toMatchObject({ recordedBy: tokenId, description: "Checkout fix" });
    const [used] = await handle.db.select().from(apiTokens).where(eq(apiTokens.id, tokenId));
    expect(used!.lastUsedAt).not.toBeNull();
    const [audit] = await handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.eventType, "deployment.recorded"), eq(auditEvents.entityId, "web")));
    expect(audit).toMatchObject({
      actorLabel: "api-token:CI: web",
      eventMeta: expect.objectContaining({
        recordedVia: `api-pat:${tokenId}`,
        tokenFingerprint: fingerprintSecret(token),
      }),
    });
    const [created] = await handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.eventType, "api_token.created"), eq(auditEvents.entityId, tokenId)));
    expect(created!.eventMeta).toMatchObject({ fingerprint: fingerprintSecret(token), scopes: ["deployments:write"] });
  });

  it("answers 401 in the error envelope without a token, with a bad one, and with a revoked one; each refusal is audited", async () => {
    const { token, tokenId } = await newToken("CI: revoked");
    const before = (await refusals()).length;
    const parts = token.split(".");
    const wrongSecret = [
      parts[0],
      parts[1],
      `${parts[2]!.slice(0, -1)}${parts[2]!.endsWith("A") ? "B" : "A"}`,
      parts[3],
    ].join(".");
    const forged = [parts[0], parts[1], parts[2], "A".repeat(43)].join(".");
    for (const bad of [null, "not-a-token", wrongSecret, forged]) {
      const response = await post({ service: "web", version: "v1" }, bad);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        error: {
          code: "UNAUTHORIZED",
          message: "Send a valid API token as `Authorization: Bearer <token>`.",
          requestId: "req-test-1",
        },
      });
    }
    await (await admin()).apiTokens.revoke({ tokenId });
    const revoked = await post({ service: "web", version: "v1" }, token);
    expect(revoked.status).toBe(401);
    await expect((await admin()).apiTokens.revoke({ tokenId })).rejects.toMatchObject({ code: "CONFLICT" });

    const rows = (await refusals()).slice(before);
    expect(rows.map((r) => (r.eventMeta as { reason: string }).reason)).toEqual([
      "missing",
      "malformed",
      "wrong_secret",
      "bad_signature",
      "revoked",
    ]);
    expect(rows[4]).toMatchObject({
      entityId: tokenId,
      outcome: "refused",
      eventMeta: expect.objectContaining({ fingerprint: fingerprintSecret(token) }),
    });
    expect(
      await handle.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.eventType, "api_token.revoked"), eq(auditEvents.entityId, tokenId))),
    ).toHaveLength(1);
    expect((await handle.db.select().from(deployments).where(eq(deployments.version, "v1"))).length).toBe(0);
  });

  it("refuses a bad body with 400 naming the field, and records nothing", async () => {
    const { token } = await newToken("CI: sloppy");
    const count = async () => (await handle.db.select().from(deployments)).length;
    const before = await count();
    const cases: [unknown, string][] = [
      [{ service: "web" }, "version"],
      [{ service: "web", version: "v1", commit: "not-a-sha" }, "commit"],
      [{ service: "web", version: "v1", deployedAt: "yesterday" }, "deployedAt"],
      [{ service: "nope", version: "v1" }, "service"],
      [{ service: "web", version: "v1", extra: true }, "_"],
    ];
    for (const [body, field] of cases) {
      const response = await post(body, token);
      expect(response.status, JSON.stringify(body)).toBe(400);
      const envelope = (await response.json()) as {
        error: { code: string; details: { fields: Record<string, string> } };
      };
      expect(envelope.error.code).toBe("BAD_REQUEST");
      expect(Object.keys(envelope.error.details.fields)).toContain(field);
    }
    const notJson = await post(null, token, "{not json");
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ error: { code: "PARSE_ERROR" } });
    expect(await count()).toBe(before);
  });

  it("keeps a token working after the signing key is rotated, until the previous key is retired", async () => {
    const old = await newToken("CI: before rotation");
    const [secret] = await handle.db.select().from(managedSecrets).where(eq(managedSecrets.name, SIGNING_KEY_SECRET));
    const [v1] = await handle.db
      .select()
      .from(secretVersions)
      .where(and(eq(secretVersions.secretId, secret!.id), eq(secretVersions.label, "current")));

    // What the rotation runbook does, done here by hand: a new value becomes current, the old one previous.
    const newKey = rememberSecret(`rotated-signing-key-${Date.now()}-${Math.random()}`);
    await handle.db.update(secretVersions).set({ label: "previous" }).where(eq(secretVersions.id, v1!.id));
    await handle.db.insert(secretVersions).values({
      secretId: secret!.id,
      version: v1!.version + 1,
      label: "current",
      ciphertext: encryptSecret(newKey, secretAad(secret!.id, v1!.version + 1)),
      fingerprint: fingerprintSecret(newKey),
      promotedAt: new Date(),
    });

    expect((await post({ service: "web", version: "r1" }, old.token)).status).toBe(201);
    const fresh = await newToken("CI: after rotation");
    expect((await post({ service: "web", version: "r2" }, fresh.token)).status).toBe(201);
    const [freshRow] = await handle.db.select().from(apiTokens).where(eq(apiTokens.id, fresh.tokenId));
    expect(freshRow!.signingKeyVersion).toBe(v1!.version + 1);

    // The grace period ends: the previous value is retired, and what it signed stops working.
    await handle.db
      .update(secretVersions)
      .set({ label: "retired", retiredAt: new Date() })
      .where(eq(secretVersions.id, v1!.id));
    const refused = await post({ service: "web", version: "r3" }, old.token);
    expect(refused.status).toBe(401);
    const [last] = (await refusals()).slice(-1);
    expect(last).toMatchObject({
      entityId: old.tokenId,
      eventMeta: expect.objectContaining({ reason: "bad_signature" }),
    });
    expect((await post({ service: "web", version: "r4" }, fresh.token)).status).toBe(201);
  });

  it("lets only admins create, list and revoke tokens", async () => {
    const { user } = await createTestUser(handle.db, { role: "lead" });
    const lead = await callerAs(handle.db, user);
    await expect(lead.apiTokens.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(lead.apiTokens.create({ name: "x", scopes: ["deployments:write"] })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect((await admin()).apiTokens.create({ name: "", scopes: [] })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("holds each token to 120 calls a minute: the next gets 429 with Retry-After in the envelope, and records nothing", async () => {
    const { token, tokenId } = await newToken("CI: busy pipeline");
    const limits = new RateLimits({ handle, db: handle.db, isAllowlisted: async () => false });
    for (let i = 0; i < 120; i++) await limits.consume("api_token", tokenId, systemActor());
    const before = (await handle.db.select().from(deployments)).length;
    const headers = {
      "content-type": "application/json",
      "x-request-id": "req-limited",
      "x-keel-client-ip": "198.51.100.77",
      authorization: `Bearer ${token}`,
    };
    const response = await recordDeploymentEndpoint(
      new Request("http://keel.test/api/v1/deployments", {
        method: "POST",
        headers,
        body: JSON.stringify({ service: "web", version: "v9.9.9" }),
      }),
      handle.db,
      limits,
    );
    expect(response.status).toBe(429);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await response.json()).toMatchObject({
      error: {
        code: "TOO_MANY_REQUESTS",
        message: expect.stringContaining("120 API calls a minute per token"),
        requestId: "req-limited",
      },
    });
    expect((await handle.db.select().from(deployments)).length).toBe(before);
  });
});

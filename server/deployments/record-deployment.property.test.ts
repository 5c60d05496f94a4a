import fc from "fast-check";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/execute";
import { deployments } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { HOSTILE_STRINGS, hostileValue } from "@/test/support/hostile-inputs";
import { rememberSecret } from "@/test/support/secrets-used";
import { callerAs, createTestUser } from "@/test/support/users";
import { systemActor } from "../audit/actor";
import { verifyAuditChain } from "../audit/verify";
import { ensureSigningKey } from "../api-tokens/signing-key";
import { saveTarget } from "../targets/commands";
import { recordDeploymentEndpoint } from "./record-deployment-endpoint";

/**
 * POST /api/v1/deployments is the one endpoint outside tRPC that writes: the bad-input property
 * suite walks tRPC procedures, this walks the REST handler with a valid token and hostile bodies.
 */

let handle: TestDatabase;
let token: string;

/** Refusals are audited on purpose (a refused token); nothing else may grow. */
const MAY_GROW = new Set(["audit_events", "audit_chain_head"]);

beforeAll(async () => {
  handle = await createTestDatabase();
  await ensureSigningKey(handle.db);
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
  const { user } = await createTestUser(handle.db, { role: "admin" });
  token = rememberSecret(
    (await (await callerAs(handle.db, user)).apiTokens.create({ name: "CI: fuzz", scopes: ["deployments:write"] }))
      .token,
  );
}, 60_000);

afterAll(async () => {
  expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });
  await handle.drop();
});

async function rowCounts(): Promise<Record<string, number>> {
  const tables = await queryRows<{ name: string }>(
    handle.db,
    sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    if (MAY_GROW.has(name)) continue;
    const [row] = await queryRows<{ n: number }>(
      handle.db,
      sql`select count(*)::int as n from ${sql.identifier(name)}`,
    );
    counts[name] = row!.n;
  }
  return counts;
}

const hostileText = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.string({ unit: "binary", maxLength: 60 }),
  fc.string({ unit: "grapheme", maxLength: 60 }),
);
const fieldValue = fc.oneof({ weight: 3, arbitrary: hostileText }, { weight: 2, arbitrary: hostileValue });

/** Bodies shaped like the real one, with some fields valid and others hostile, so validation goes past the first key. */
const nearlyValidBody = fc.record(
  {
    service: fc.oneof(
      fc.constant("web"),
      fc.constantFrom("../web", "web/../../etc", "WEB", "web\u0000", "we\u202eb", "web'; --"),
      fieldValue,
    ),
    version: fc.oneof(fc.constant("v1.2.3"), fieldValue),
    commit: fc.oneof(
      fc.constant("abcdef1"),
      fc.constantFrom("../../.git/HEAD", "g".repeat(40), "a".repeat(65)),
      fieldValue,
    ),
    description: fc.oneof(
      fc.constant("fix"),
      fc.constantFrom("x".repeat(501), "<script>alert(1)</script>", "C:\\Windows\\System32", "file:///etc/shadow"),
      fieldValue,
    ),
    deployedAt: fc.oneof(
      fc.constant("2026-12-01T09:30:00Z"),
      fc.constantFrom("2026-13-45T99:99:99Z", "0000-00-00T00:00:00Z", "+275760-09-13T00:00:00.000Z", "2026-12-01"),
      fieldValue,
    ),
    extra: fieldValue,
  },
  { requiredKeys: [] },
);

function deepJson(levels: number, open: string, close: string): string {
  return `${open.repeat(levels)}${close.repeat(levels)}`;
}

type Attempt = { contentType: string | null; body: string | Uint8Array };

const jsonBody = fc.oneof(nearlyValidBody, hostileValue).map((value) => JSON.stringify(value) ?? "undefined");

/** Raw bodies that are not JSON, too big, too deep, or not text at all. */
const rawBody = fc.oneof(
  fc.constantFrom(
    "",
    "{",
    "{not json",
    "{'service':'web'}",
    "undefined",
    "NaN",
    '{"service":"web","version":"v1",}',
    '{"service":"web","version":"v1"}garbage',
    '{"__proto__":{"polluted":true},"service":"web","version":"v1"}',
    '{"constructor":{"prototype":{"polluted":true}}}',
    "service=web&version=v1",
    `{"service":"web","version":"${"v".repeat(20 * 1024)}"}`,
    `{"service":"web","version":"v1","description":"${"\\ud800".repeat(100)}"}`,
    deepJson(7000, "[", "]"),
    deepJson(2000, '{"a":', "}"),
  ),
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }),
);

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant("application/json") },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      null,
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/json; charset=utf-8",
      "APPLICATION/JSON",
      "application/jsonp",
      "text/html",
    ),
  },
);

const attempt: fc.Arbitrary<Attempt> = fc.record({
  contentType,
  body: fc.oneof({ weight: 3, arbitrary: jsonBody }, { weight: 2, arbitrary: rawBody }),
});

function post({ contentType, body }: Attempt): Promise<Response> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    "x-request-id": "req-fuzz",
    "x-keel-client-ip": "198.51.100.20",
  };
  if (contentType) headers["content-type"] = contentType;
  return recordDeploymentEndpoint(
    new Request("http://keel.test/api/v1/deployments", {
      method: "POST",
      headers,
      body: typeof body === "string" ? body : new Blob([new Uint8Array(body)]),
    }),
    handle.db,
    null,
  );
}

function describeAttempt({ contentType, body }: Attempt): string {
  const text = typeof body === "string" ? body : `bytes ${Buffer.from(body).toString("hex")}`;
  return `${contentType ?? "(no content-type)"} ${text.slice(0, 300)}`;
}

const driver = process.env.TEST_DATABASE_URL ? "postgres" : "pglite";

describe(`POST /api/v1/deployments refuses hostile bodies cleanly (${driver})`, () => {
  it("answers no 5xx, the error envelope for every refusal, and writes nothing for a refused body", async () => {
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(attempt, async (input) => {
        const before = await rowCounts();
        const response = await post(input);
        const body = (await response.json()) as Record<string, unknown>;
        if (response.status >= 500)
          throw new Error(`answered ${response.status} ${JSON.stringify(body)} for ${describeAttempt(input)}`);
        if (response.status === 201) {
          // A body that happened to be valid: what is stored is what was sent, nothing else.
          accepted++;
          const sent = JSON.parse(input.body as string) as { service: string; version: string };
          const deployment = (body as { deployment: { id: string; service: string; version: string } }).deployment;
          expect(deployment).toMatchObject({ service: "web", version: sent.version.trim() });
          expect(await handle.db.select().from(deployments).where(eq(deployments.id, deployment.id))).toHaveLength(1);
          return;
        }
        refused++;
        expect(response.status, describeAttempt(input)).toBeGreaterThanOrEqual(400);
        expect(Object.keys(body)).toEqual(["error"]);
        const error = body.error as Record<string, unknown>;
        expect(Object.keys(error).every((key) => ["code", "message", "details", "requestId"].includes(key))).toBe(true);
        expect(error).toMatchObject({ code: expect.any(String), message: expect.any(String), requestId: "req-fuzz" });
        expect((error.message as string).length).toBeGreaterThan(0);
        expect(error.message).not.toMatch(/\bat .+:\d+:\d+|select |insert |update .+ set /i);
        expect(JSON.stringify(error)).not.toContain(token);
        if (error.details !== undefined) expect(typeof error.details).toBe("object");
        expect(await rowCounts(), describeAttempt(input)).toEqual(before);
      }),
      { numRuns: 150 },
    );
    expect(refused).toBeGreaterThan(100);
    expect(accepted + refused).toBe(150);
  }, 120_000);

  it("names the problem for each class of bad body", async () => {
    const cases: [Attempt, number, string][] = [
      [
        { contentType: "text/plain", body: JSON.stringify({ service: "web", version: "v1" }) },
        415,
        "UNSUPPORTED_MEDIA_TYPE",
      ],
      [{ contentType: null, body: JSON.stringify({ service: "web", version: "v1" }) }, 415, "UNSUPPORTED_MEDIA_TYPE"],
      [{ contentType: "application/json", body: "{not json" }, 400, "PARSE_ERROR"],
      [
        { contentType: "application/json", body: `{"service":"web","version":"${"v".repeat(20 * 1024)}"}` },
        413,
        "PAYLOAD_TOO_LARGE",
      ],
      [{ contentType: "application/json", body: deepJson(7000, "[", "]") }, 400, "BAD_REQUEST"],
      [
        { contentType: "application/json", body: JSON.stringify({ service: "../../etc/passwd", version: "v1" }) },
        400,
        "BAD_REQUEST",
      ],
      [
        { contentType: "application/json", body: JSON.stringify({ service: "web", version: { $gt: "" } }) },
        400,
        "BAD_REQUEST",
      ],
    ];
    for (const [input, status, code] of cases) {
      const response = await post(input);
      expect(response.status, describeAttempt(input)).toBe(status);
      expect(await response.json()).toMatchObject({ error: { code, requestId: "req-fuzz" } });
    }
    const before = await rowCounts();
    for (const [field, text] of [
      ["version", "v1\u0000"],
      ["description", "fix\u0000"],
      ["description", "a\ud800b"],
      ["commit", "\udc00"],
    ] as const) {
      const response = await post({
        contentType: "application/json",
        body: JSON.stringify({ service: "web", version: "v-text", [field]: text }),
      });
      expect(response.status, `${field} ${JSON.stringify(text)}`).toBe(400);
      const { error } = (await response.json()) as {
        error: { code: string; details: { fields: Record<string, string> } };
      };
      expect(error.code).toBe("BAD_REQUEST");
      expect(error.details.fields[field]).toMatch(/contains a character that cannot be stored: U\+(0000|D800|DC00)\.$/);
    }
    const latin1 = await post({
      contentType: "application/json",
      body: new Uint8Array([...Buffer.from('{"service":"web","version":"v'), 0xff, ...Buffer.from('"}')]),
    });
    expect(latin1.status).toBe(400);
    expect(await latin1.json()).toMatchObject({
      error: { details: { fields: { body: "The request body is not valid UTF-8." } } },
    });
    expect(await rowCounts()).toEqual(before);
    const ok = await post({
      contentType: "application/json; charset=utf-8",
      body: JSON.stringify({ service: "web", version: "v-charset" }),
    });
    expect(ok.status).toBe(201);
  });
});

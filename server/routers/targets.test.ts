import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, targets } from "@/db/schema";
import { errorOf } from "@/test/support/errors";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { registerTargetKind } from "@/test/support/targets";
import { callerAs, createTestUser } from "@/test/support/users";
import { toErrorEnvelope } from "../http/error-response";
import { systemActor } from "../audit/actor";
import { verifyAuditChain } from "../audit/verify";
import { syncFileTargets } from "../targets/commands";
import { createCaller } from "./_app";

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

const snapshot = async () => ({
  targets: await handle.db.select().from(targets).orderBy(targets.name),
  audit: await handle.db.select().from(auditEvents).orderBy(auditEvents.seq),
});
const auditOf = (entityId: string) =>
  handle.db.select().from(auditEvents).where(eq(auditEvents.entityId, entityId)).orderBy(auditEvents.seq);
const stored = async (name: string) =>
  (
    await handle.db
      .select()
      .from(targets)
      .where(and(eq(targets.kind, "test-endpoint"), eq(targets.name, name)))
  )[0];
/** The fields the browser is told about, for input (zod) and domain (AppError) errors alike. */
const fields = (error: unknown) => toErrorEnvelope(error, "test").body.error.details?.fields;

describe(`targets router (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("lists the registered kinds with their labels, and the workerGroup every kind takes", async () => {
    expect(await viewer.targets.kinds()).toContainEqual({
      kind: "test-endpoint",
      label: "Test endpoint",
      keys: [
        { key: "healthUrl", type: "URL", required: true },
        { key: "timeoutSeconds", type: "integer", required: false, defaultValue: "5" },
        { key: "tokenSecret", type: "string", required: false },
        {
          key: "workerGroup",
          type: "string",
          required: false,
          description: expect.stringContaining("KEEL_WORKER_GROUPS"),
        },
      ],
    });
  });

  it("lets an admin add a target, audited, and shows everyone its summary but not its config", async () => {
    const result = await admin.targets.save({
      mode: "create",
      kind: "test-endpoint",
      name: "web",
      description: "The web app",
      config: "healthUrl: http://127.0.0.1:9/healthz\ntokenSecret: web-token\n",
    });
    expect(result).toEqual({ outcome: "created" });
    expect((await stored("web"))!).toMatchObject({
      source: "admin",
      description: "The web app",
      config: { healthUrl: "http://127.0.0.1:9/healthz", timeoutSeconds: 5, tokenSecret: "web-token" },
    });
    const [event] = await auditOf("test-endpoint:web");
    expect(event).toMatchObject({
      eventType: "target.created",
      outcome: "success",
      eventMeta: { source: "admin", name: "web" },
    });

    const listed = (await viewer.targets.list()).find((t) => t.name === "web");
    expect(listed).toEqual({
      kind: "test-endpoint",
      kindLabel: "Test endpoint",
      name: "web",
      description: "The web app",
      source: "admin",
      summary: "health at http://127.0.0.1:9/healthz, 5s timeout",
      updatedAt: expect.any(Date),
      selfBackup: null,
    });
    expect(JSON.stringify(await viewer.targets.list())).not.toContain("web-token");

    const editing = await admin.targets.get({ kind: "test-endpoint", name: "web" });
    expect(editing.configYaml).toContain("healthUrl: http://127.0.0.1:9/healthz");
  });

  it("refuses viewers every change, FORBIDDEN, and changes nothing", async () => {
    const before = await snapshot();
    const attempts = [
      viewer.targets.save({
        mode: "create",
        kind: "test-endpoint",
        name: "sneaky",
        config: "healthUrl: http://127.0.0.1:9/",
      }),
      viewer.targets.remove({ kind: "test-endpoint", name: "web" }),
      viewer.targets.get({ kind: "test-endpoint", name: "web" }),
      viewer.targets.fileStatus(),
    ];
    for (const attempt of attempts) expect((await errorOf(attempt)).code).toBe("FORBIDDEN");
    expect(await snapshot()).toEqual(before);
  });

  it("names the bad field of a config, a name, a kind or the YAML, and changes nothing", async () => {
    const before = await snapshot();
    const badUrl = await errorOf(
      admin.targets.save({ mode: "create", kind: "test-endpoint", name: "api", config: "healthUrl: not-a-url" }),
    );
    expect(badUrl.code).toBe("BAD_REQUEST");
    expect(fields(badUrl)).toEqual({ "config.healthUrl": "Enter a full URL, like https://app.example.com/healthz" });

    const unknownKey = await errorOf(
      admin.targets.save({
        mode: "create",
        kind: "test-endpoint",
        name: "api",
        config: "healthUrl: http://127.0.0.1:9/\nhealthurl: typo",
      }),
    );
    expect(Object.keys(fields(unknownKey)!)).toEqual(["config"]);
    expect(fields(unknownKey)!.config).toContain("healthurl");

    const badYaml = await errorOf(
      admin.targets.save({ mode: "create", kind: "test-endpoint", name: "api", config: "healthUrl: [unclosed" }),
    );
    expect(badYaml.code).toBe("BAD_REQUEST");
    expect(fields(badYaml)!.config).toMatch(/^Not valid YAML: .*line 1/);

    const notMapping = await errorOf(
      admin.targets.save({ mode: "create", kind: "test-endpoint", name: "api", config: "- a\n- b" }),
    );
    expect(fields(notMapping)).toEqual({ config: "Write the config as `key: value` lines (a YAML mapping)." });

    const badName = await errorOf(
      admin.targets.save({
        mode: "create",
        kind: "test-endpoint",
        name: "Has Spaces",
        config: "healthUrl: http://127.0.0.1:9/",
      }),
    );
    expect(Object.keys(fields(badName)!)).toEqual(["name"]);

    const unknownKind = await errorOf(
      admin.targets.save({ mode: "create", kind: "no-such-kind", name: "api", config: "x: 1" }),
    );
    expect(fields(unknownKind)).toEqual({ kind: 'Unknown target kind "no-such-kind".' });

    expect(await snapshot()).toEqual(before);
  });

  it("refuses to create over an existing name or to update a missing one", async () => {
    const before = await snapshot();
    const duplicate = await errorOf(
      admin.targets.save({
        mode: "create",
        kind: "test-endpoint",
        name: "web",
        config: "healthUrl: http://127.0.0.1:8/",
      }),
    );
    expect(duplicate.code).toBe("CONFLICT");
    expect(Object.keys(fields(duplicate)!)).toEqual(["name"]);
    const missing = await errorOf(
      admin.targets.save({
        mode: "update",
        kind: "test-endpoint",
        name: "nowhere",
        config: "healthUrl: http://127.0.0.1:8/",
      }),
    );
    expect(missing.code).toBe("NOT_FOUND");
    expect((await errorOf(admin.targets.remove({ kind: "test-endpoint", name: "nowhere" }))).code).toBe("NOT_FOUND");
    expect(await snapshot()).toEqual(before);
  });

  it("updates an admin target with before and after in the audit trail, and removes it", async () => {
    await admin.targets.save({
      mode: "create",
      kind: "test-endpoint",
      name: "queue",
      config: "healthUrl: http://127.0.0.1:7/",
    });
    expect(
      await admin.targets.save({
        mode: "update",
        kind: "test-endpoint",
        name: "queue",
        description: "Jobs",
        config: "healthUrl: http://127.0.0.1:7/\ntimeoutSeconds: 9",
      }),
    ).toEqual({ outcome: "updated" });
    expect(
      await admin.targets.save({
        mode: "update",
        kind: "test-endpoint",
        name: "queue",
        description: "Jobs",
        config: "timeoutSeconds: 9\nhealthUrl: http://127.0.0.1:7/",
      }),
    ).toEqual({ outcome: "unchanged" });
    const events = await auditOf("test-endpoint:queue");
    expect(events.map((e) => e.eventType)).toEqual(["target.created", "target.updated"]);
    expect(events[1]!.eventMeta).toMatchObject({
      config: { timeoutSeconds: 9 },
      previousConfig: { timeoutSeconds: 5 },
    });

    expect(await admin.targets.remove({ kind: "test-endpoint", name: "queue" })).toEqual({ removed: true });
    expect(await stored("queue")).toBeUndefined();
    expect((await auditOf("test-endpoint:queue")).at(-1)).toMatchObject({
      eventType: "target.removed",
      eventMeta: { source: "admin" },
    });
  });

  it("does not let the admin page overwrite or remove a target from the targets file, and says where to change it", async () => {
    await syncFileTargets(handle.db, systemActor(), [
      { kind: "test-endpoint", name: "billing", config: { healthUrl: "http://127.0.0.1:6/" } },
    ]);
    const before = await snapshot();
    for (const mode of ["create", "update"] as const) {
      const refused = await errorOf(
        admin.targets.save({ mode, kind: "test-endpoint", name: "billing", config: "healthUrl: http://127.0.0.1:5/" }),
      );
      expect(refused.code).toBe("CONFLICT");
      expect(fields(refused)!.name).toMatch(
        /comes from the targets file and cannot be changed on this page\. Change it in the targets file/,
      );
    }
    const removal = await errorOf(admin.targets.remove({ kind: "test-endpoint", name: "billing" }));
    expect(removal.code).toBe("CONFLICT");
    expect(await snapshot()).toEqual(before);
    expect((await viewer.targets.list()).find((t) => t.name === "billing")).toMatchObject({ source: "file" });
  });
});

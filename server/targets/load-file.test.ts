import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, targets } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { registerTargetKind } from "@/test/support/targets";
import { callerAs, createTestUser } from "@/test/support/users";
import { systemActor } from "../audit/actor";
import { verifyAuditChain } from "../audit/verify";
import { parseEnv } from "../config/env";
import { createCaller } from "../routers/_app";
import { loadTargetsFile } from "./load-file";

let handle: TestDatabase;
let unregister: () => void;
let dir: string;
let file: string;

beforeAll(async () => {
  unregister = registerTargetKind();
  handle = await createTestDatabase();
  dir = mkdtempSync(path.join(os.tmpdir(), "keel-targets-file-"));
  file = path.join(dir, "targets.yaml");
});
afterAll(async () => {
  expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });
  await handle.drop();
  rmSync(dir, { recursive: true, force: true });
  unregister();
});

const load = () => loadTargetsFile(handle.db, systemActor(), file);
const fileTargets = async () =>
  (await handle.db.select().from(targets).where(eq(targets.source, "file")).orderBy(targets.name)).map((t) => ({
    name: t.name,
    description: t.description,
    config: t.config,
  }));
const targetAudit = async () =>
  (await handle.db.select().from(auditEvents).orderBy(auditEvents.seq)).filter(
    (e) => e.entityType === "target" || e.entityType === "targets-file",
  );

describe(`targets file at start (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("defaults KEEL_TARGETS_FILE to runbooks/targets.yaml", () => {
    expect(parseEnv({ ...process.env, KEEL_TARGETS_FILE: undefined }).KEEL_TARGETS_FILE).toBe("runbooks/targets.yaml");
    expect(parseEnv({ ...process.env, KEEL_TARGETS_FILE: " /etc/keel/targets.yaml " }).KEEL_TARGETS_FILE).toBe(
      "/etc/keel/targets.yaml",
    );
  });

  it("adds the file's targets with an audit row each, and changes nothing on the next start", async () => {
    writeFileSync(
      file,
      [
        "test-endpoint:",
        "  - name: web",
        "    description: The web app",
        "    healthUrl: http://127.0.0.1:9/healthz",
        "    timeoutSeconds: 3",
        "  - name: api",
        "    healthUrl: http://127.0.0.1:9/api",
      ].join("\n"),
    );
    const first = await load();
    expect(first).toMatchObject({
      found: true,
      applied: true,
      problems: [],
      sync: { created: ["test-endpoint:web", "test-endpoint:api"], updated: [], removed: [] },
    });
    expect(await fileTargets()).toEqual([
      { name: "api", description: "", config: { healthUrl: "http://127.0.0.1:9/api", timeoutSeconds: 5 } },
      {
        name: "web",
        description: "The web app",
        config: { healthUrl: "http://127.0.0.1:9/healthz", timeoutSeconds: 3 },
      },
    ]);
    const audit = await targetAudit();
    expect(audit.map((e) => [e.eventType, e.entityId, e.actorLabel])).toEqual([
      ["target.created", "test-endpoint:web", "system"],
      ["target.created", "test-endpoint:api", "system"],
    ]);

    // jsonb hands keys back in its own order: an unchanged file must not look changed.
    const again = await load();
    expect(again.sync).toMatchObject({
      created: [],
      updated: [],
      removed: [],
      unchanged: ["test-endpoint:web", "test-endpoint:api"],
    });
    expect(await targetAudit()).toEqual(audit);
  });

  it("updates a changed target and removes one the file no longer declares, audited", async () => {
    writeFileSync(
      file,
      [
        "test-endpoint:",
        "  - name: web",
        "    description: The web app",
        "    healthUrl: http://127.0.0.1:9/ready",
        "    timeoutSeconds: 3",
      ].join("\n"),
    );
    const before = (await targetAudit()).length;
    const result = await load();
    expect(result.sync).toMatchObject({ created: [], updated: ["test-endpoint:web"], removed: ["test-endpoint:api"] });
    expect(await fileTargets()).toEqual([
      { name: "web", description: "The web app", config: { healthUrl: "http://127.0.0.1:9/ready", timeoutSeconds: 3 } },
    ]);
    const added = (await targetAudit()).slice(before);
    expect(added.map((e) => [e.eventType, e.entityId])).toEqual([
      ["target.updated", "test-endpoint:web"],
      ["target.removed", "test-endpoint:api"],
    ]);
    expect(added[0]!.eventMeta).toMatchObject({
      source: "file",
      config: { healthUrl: "http://127.0.0.1:9/ready" },
      previousConfig: { healthUrl: "http://127.0.0.1:9/healthz" },
    });
  });

  it("applies nothing from a file with a problem, names the entry and field, audits it once, and shows admins", async () => {
    const targetsBefore = await fileTargets();
    writeFileSync(
      file,
      [
        "test-endpoint:",
        "  - name: web",
        "    healthUrl: http://127.0.0.1:9/ready",
        "  - name: broken",
        "    healthUrl: not a url",
      ].join("\n"),
    );
    const result = await load();
    expect(result).toMatchObject({ applied: false, sync: null });
    expect(result.problems).toEqual([
      `${file}: test-endpoint[1].healthUrl: Enter a full URL, like https://app.example.com/healthz`,
    ]);
    expect(await fileTargets()).toEqual(targetsBefore);
    const invalid = (await targetAudit()).filter((e) => e.eventType === "targets_file.invalid");
    expect(invalid).toHaveLength(1);
    expect(invalid[0]).toMatchObject({
      outcome: "failure",
      entityId: file,
      eventMeta: { problemCount: 1, applied: false },
    });

    await load();
    expect((await targetAudit()).filter((e) => e.eventType === "targets_file.invalid")).toHaveLength(1);

    const admin = await callerAs(handle.db, (await createTestUser(handle.db, { role: "admin" })).user);
    expect(await admin.targets.fileStatus()).toMatchObject({
      path: file,
      found: true,
      applied: false,
      problems: result.problems,
    });
  });

  it("skips and reports a file entry whose name an admin target already has; the admin one stays", async () => {
    const admin: ReturnType<typeof createCaller> = await callerAs(
      handle.db,
      (await createTestUser(handle.db, { role: "admin" })).user,
    );
    await admin.targets.save({
      mode: "create",
      kind: "test-endpoint",
      name: "shared",
      config: "healthUrl: http://127.0.0.1:4/",
    });
    writeFileSync(
      file,
      [
        "test-endpoint:",
        "  - name: web",
        "    healthUrl: http://127.0.0.1:9/ready",
        "  - name: shared",
        "    healthUrl: http://127.0.0.1:3/",
      ].join("\n"),
    );
    const result = await load();
    expect(result.applied).toBe(true);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toContain(
      'test-endpoint "shared": A test-endpoint named "shared" already comes from the admin page',
    );
    const [shared] = await handle.db.select().from(targets).where(eq(targets.name, "shared"));
    expect(shared).toMatchObject({ source: "admin", config: { healthUrl: "http://127.0.0.1:4/" } });
  });

  it("removes every file target when the file is gone", async () => {
    rmSync(file);
    const result = await load();
    expect(result).toMatchObject({
      found: false,
      applied: true,
      problems: [],
      sync: { removed: ["test-endpoint:web"] },
    });
    expect(await fileTargets()).toEqual([]);
  });
});

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, targets } from "@/db/schema";
import { errorOf } from "@/test/support/errors";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { registerTargetKind } from "@/test/support/targets";
import { contextFor, createTestUser } from "@/test/support/users";
import { systemActor } from "../audit/actor";
import { verifyAuditChain } from "../audit/verify";
import { ensureDemoEnvironment, type DemoPart } from "../demo/environment";
import { DEMO_PARTS } from "../demo/parts";
import type { DemoSite } from "../demo/site";
import { getLogger } from "../observability/logger";
import { saveTarget } from "../targets/commands";
import { createCaller } from "./_app";

let handle: TestDatabase;
/** The real parts, set aside while this file's demo is made of its test part alone. */
let realParts: typeof DEMO_PARTS = [];
let unregister: () => void;
let scratch: string;
let site: DemoSite;
/** Outside the demo root, so that only the part's own tearDown can remove it. */
let outsideMarker: string;
let failTearDown = false;

/** A real (small) demo part: a file under the demo root, one outside it, and a demo target. */
const testPart: DemoPart = {
  name: "test-endpoint-demo",
  async setUp(context) {
    mkdirSync(context.root, { recursive: true });
    writeFileSync(path.join(context.root, "endpoint.json"), "{}");
    writeFileSync(outsideMarker, "made by the demo");
    await saveTarget(
      context.handle.db,
      context.actor,
      {
        kind: "test-endpoint",
        name: "demo-web",
        description: "Demo web app",
        config: { healthUrl: `${context.publicUrl}/api/health` },
      },
      "demo",
    );
  },
  async tearDown() {
    if (failTearDown) throw new Error("the demo endpoint is busy");
    rmSync(outsideMarker, { force: true });
  },
};

beforeAll(async () => {
  unregister = registerTargetKind();
  realParts = DEMO_PARTS.splice(0, DEMO_PARTS.length, testPart);
  handle = await createTestDatabase();
  scratch = mkdtempSync(path.join(os.tmpdir(), "keel-demo-admin-"));
  outsideMarker = path.join(scratch, "outside-marker");
  site = { handle, root: path.join(scratch, "demo"), publicUrl: "http://127.0.0.1:9", log: getLogger() };
  expect(await ensureDemoEnvironment({ ...site, actor: systemActor() })).toBe("created");
});
afterAll(async () => {
  DEMO_PARTS.splice(0, DEMO_PARTS.length, ...realParts);
  unregister();
  expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });
  await handle.drop();
  rmSync(scratch, { recursive: true, force: true });
});

async function callerFor(role: "viewer" | "admin") {
  const { user } = await createTestUser(handle.db, { role });
  return createCaller({ ...(await contextFor(handle.db, user)), demoSite: site });
}
const demoAudit = async () =>
  (await handle.db.select().from(auditEvents).where(eq(auditEvents.entityType, "demo")).orderBy(auditEvents.seq)).map(
    (e) => [e.eventType, e.outcome],
  );

describe(`demo environment admin (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("shows the admin the demo's state, parts and targets; refuses viewers", async () => {
    const admin = await callerFor("admin");
    const status = await admin.demo.status();
    expect(status.state).toMatchObject({
      status: "present",
      createdAt: expect.any(String),
      parts: ["test-endpoint-demo"],
    });
    expect(status.targets).toEqual([
      expect.objectContaining({
        kind: "test-endpoint",
        name: "demo-web",
        source: "demo",
        summary: "health at http://127.0.0.1:9/api/health, 5s timeout",
      }),
    ]);

    const viewer = await callerFor("viewer");
    expect((await errorOf(viewer.demo.status())).code).toBe("FORBIDDEN");
    expect((await errorOf(viewer.demo.remove({ confirm: true }))).code).toBe("FORBIDDEN");
    expect(existsSync(site.root)).toBe(true);
  });

  it("does not let the admin page change a demo target", async () => {
    const admin = await callerFor("admin");
    const refused = await errorOf(
      admin.targets.save({
        mode: "update",
        kind: "test-endpoint",
        name: "demo-web",
        config: "healthUrl: http://127.0.0.1:1/",
      }),
    );
    expect(refused.code).toBe("CONFLICT");
    expect(refused.message).toContain("comes from the demo environment");
  });

  it("audits a removal that fails part-way, and keeps the demo as it was", async () => {
    const admin = await callerFor("admin");
    failTearDown = true;
    try {
      const failed = await errorOf(admin.demo.remove({ confirm: true }));
      expect(failed.message).toContain("the demo endpoint is busy");
    } finally {
      failTearDown = false;
    }
    expect((await demoAudit()).slice(-2)).toEqual([
      ["demo.remove_requested", "intent"],
      ["demo.remove_failed", "failure"],
    ]);
    expect((await admin.demo.status()).state).toMatchObject({ status: "present" });
    expect(await handle.db.select().from(targets).where(eq(targets.source, "demo"))).toHaveLength(1);
  });

  it("removes the demo's targets and files when an admin confirms, audited, and only once", async () => {
    const admin = await callerFor("admin");
    const unconfirmed = await errorOf(admin.demo.remove({ confirm: false as true }));
    expect(unconfirmed.code).toBe("BAD_REQUEST");
    expect(existsSync(site.root)).toBe(true);

    expect(await admin.demo.remove({ confirm: true })).toEqual({ removed: true, targetsRemoved: 1 });
    expect(await handle.db.select().from(targets).where(eq(targets.source, "demo"))).toEqual([]);
    expect(existsSync(site.root)).toBe(false);
    expect(existsSync(outsideMarker)).toBe(false);
    expect((await demoAudit()).slice(-2)).toEqual([
      ["demo.remove_requested", "intent"],
      ["demo.removed", "success"],
    ]);
    const status = await admin.demo.status();
    expect(status.state).toMatchObject({ status: "removed", by: expect.stringContaining("@example.test") });
    expect(status.targets).toEqual([]);

    const again = await errorOf(admin.demo.remove({ confirm: true }));
    expect(again.code).toBe("CONFLICT");
    expect(again.message).toMatch(/already removed on .* by .*@example\.test/);
    // A start after the removal does not bring it back.
    expect(await ensureDemoEnvironment({ ...site, actor: systemActor() })).toBe("removed");
  });
});

import { rmSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { withAdvisoryLock } from "@/db/advisory-lock";
import type { DatabaseHandle } from "@/db/client";
import { targets } from "@/db/schema";
import { appendAuditEvent } from "../audit/append";
import type { Actor } from "../audit/actor";
import type { Logger } from "../observability/logger";
import { readSetting, writeSetting } from "../settings";
import { DEMO_PARTS } from "./parts";

/** What a part of the demo environment gets to build or remove itself with. */
export type DemoContext = {
  handle: DatabaseHandle;
  actor: Actor;
  /** <data dir>/demo: every file the demo creates lives under it. */
  root: string;
  /** The console's own URL (for demo services Keel serves itself). */
  publicUrl: string;
  log: Logger;
};

/** One piece of the demo: a real git repository, a real database, real files, registered as targets. */
export type DemoPart = {
  name: string;
  setUp(context: DemoContext): Promise<void>;
  tearDown(context: DemoContext): Promise<void>;
};

const SETTING = "demo-environment";

export type DemoState =
  { status: "present"; createdAt: string; parts: string[] } | { status: "removed"; removedAt: string; by: string };

export async function demoState(handle: Pick<DatabaseHandle, "db">): Promise<DemoState | null> {
  return readSetting<DemoState>(handle.db, SETTING);
}

/**
 * On the first start (and only then), builds the demo environment so that a newcomer can run
 * every runbook end to end. Once an admin removed it, it is not created again.
 */
export async function ensureDemoEnvironment(context: DemoContext): Promise<"created" | "present" | "removed"> {
  const settled = await settledDemoState(context.handle);
  if (settled) return settled;
  // Instances starting together build it once: the others wait here, then find it present.
  return withAdvisoryLock(
    context.handle,
    "keel-demo-environment",
    async () => (await settledDemoState(context.handle)) ?? createDemoEnvironment(context),
  );
}

async function settledDemoState(handle: DatabaseHandle): Promise<"present" | "removed" | null> {
  const state = await demoState(handle);
  return state?.status ?? null;
}

async function createDemoEnvironment(context: DemoContext): Promise<"created"> {
  for (const part of DEMO_PARTS) {
    await part.setUp(context);
    context.log.info({ part: part.name }, "demo environment part ready");
  }
  await context.handle.db.transaction(async (tx) => {
    await writeSetting(tx, SETTING, {
      status: "present",
      createdAt: new Date().toISOString(),
      parts: DEMO_PARTS.map((p) => p.name),
    });
    await appendAuditEvent(tx, context.actor, {
      eventType: "demo.created",
      outcome: "success",
      entityType: "demo",
      entityId: "demo",
      meta: { parts: DEMO_PARTS.map((p) => p.name), root: context.root },
    });
  });
  return "created";
}

/** An admin removes the demo: each part undoes itself, demo targets go, and the files under the demo root. */
export async function removeDemoEnvironment(context: DemoContext): Promise<void> {
  await withAdvisoryLock(context.handle, "keel-demo-environment", () => tearDownDemoEnvironment(context));
}

async function tearDownDemoEnvironment(context: DemoContext): Promise<void> {
  for (const part of [...DEMO_PARTS].reverse()) await part.tearDown(context);
  await context.handle.db.transaction(async (tx) => {
    await tx.delete(targets).where(eq(targets.source, "demo"));
    await writeSetting(tx, SETTING, {
      status: "removed",
      removedAt: new Date().toISOString(),
      by: context.actor.label,
    });
    await appendAuditEvent(tx, context.actor, {
      eventType: "demo.removed",
      outcome: "success",
      entityType: "demo",
      entityId: "demo",
      meta: {},
    });
  });
  rmSync(context.root, { recursive: true, force: true });
}

export function demoRoot(dataDir: string): string {
  return path.join(path.resolve(dataDir), "demo");
}

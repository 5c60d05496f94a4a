import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "@/db/client";
import {
  killKeelInstance,
  startKeelInstance,
  waitUntilHealthy,
  type KeelInstance,
} from "@/test/support/keel-instances";
import { createOwnedDatabase, type OwnedDatabase } from "@/test/support/owned-database";
import { SIGNING_KEY_SECRET } from "../api-tokens/signing-key";
import { verifyAuditChain } from "../audit/verify";
import { DEMO_SHOP_SECRET } from "../demo/demo-shop";

const INSTANCES = 4;
const ROUNDS = 10;
const baseUrl = process.env.TEST_DATABASE_URL;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** One round: INSTANCES real processes start at the same moment on one fresh, empty database. */
async function startTogether(database: OwnedDatabase): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "keel-together-"));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const instances: KeelInstance[] = [];
  for (let i = 0; i < INSTANCES; i++)
    instances.push(
      startKeelInstance({ DATABASE_URL: database.url, KEEL_DATA_DIR: dataDir, KEEL_DEMO: "on", KEEL_WORKERS: "1" }),
    );
  cleanups.push(() => Promise.all(instances.map(killKeelInstance)).then(() => undefined));
  await Promise.all(instances.map((instance) => waitUntilHealthy(instance, 150_000)));
}

async function count(database: OwnedDatabase, text: string, values: unknown[] = []): Promise<number> {
  const [row] = await database.query<{ n: number }>(`select count(*)::int as n from ${text}`, values);
  return row!.n;
}

/** Everything a first start creates exists once. */
async function expectEverythingOnce(database: OwnedDatabase): Promise<void> {
  expect(await count(database, "users")).toBe(1);
  expect(await count(database, "managed_secrets where name = $1", [SIGNING_KEY_SECRET])).toBe(1);
  expect(
    await count(database, "secret_versions v join managed_secrets s on s.id = v.secret_id where s.name = $1", [
      SIGNING_KEY_SECRET,
    ]),
  ).toBe(1);
  expect(
    await count(database, "audit_events where event_type = 'secret.created' and entity_id = $1", [SIGNING_KEY_SECRET]),
  ).toBe(1);

  expect(await count(database, "audit_events where event_type = 'demo.created'")).toBe(1);
  expect(await count(database, "managed_secrets where name = $1", [DEMO_SHOP_SECRET])).toBe(1);
  const demoShops = (await database.createdDatabases()).filter((name) => name.startsWith("keel_demo_shop_"));
  expect(demoShops).toHaveLength(1);

  // A fresh database: every runbook and template is at its first version, loaded once.
  const runbooks = await count(database, "runbooks");
  expect(runbooks).toBeGreaterThan(0);
  expect(await count(database, "runbook_versions")).toBe(runbooks);
  const templates = await count(database, "checklist_templates");
  expect(templates).toBeGreaterThan(0);
  expect(await count(database, "checklist_template_versions")).toBe(templates);
  expect(await count(database, "pgboss.queue where name = 'keel-steps'")).toBe(1);

  const handle = await openDatabase({ driver: "pg", url: database.url });
  try {
    const verified = await verifyAuditChain(handle.db);
    // On failure, say which sequence and what verification found, not only "ok: false".
    expect(verified, JSON.stringify(verified)).toMatchObject({ ok: true });
  } finally {
    await handle.close();
  }
}

describe.skipIf(!baseUrl)(
  "instances started together on one fresh PostgreSQL database (PostgreSQL only: PGlite is one process)",
  () => {
    it(`${INSTANCES} processes come up healthy and set everything up once, ${ROUNDS} rounds`, async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const database = await createOwnedDatabase(baseUrl!);
        cleanups.push(() => database.drop());
        await startTogether(database);
        await expectEverythingOnce(database);
        for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
      }
    }, 1_200_000);
  },
);

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { systemActor } from "../audit/actor";
import { verifyAuditChain } from "../audit/verify";
import { listBackups } from "../backups/backup-files";
import type { DatabaseTargetConfig } from "../backups/database-target";
import { getLogger } from "../observability/logger";
import { parseConnectionUrl } from "../connectors/postgres";
import { readSecretValue } from "../secrets/store";
import { getTargetConfig } from "../targets/catalog";
import { DEMO_SHOP, DEMO_SHOP_SECRET, demoShopPart } from "./demo-shop";
import type { DemoContext } from "./environment";

let handle: TestDatabase;
let root: string;
let context: DemoContext;

beforeAll(async () => {
  handle = await createTestDatabase();
  root = mkdtempSync(path.join(os.tmpdir(), "keel-demo-shop-"));
  context = { handle, actor: systemActor(), root, publicUrl: "http://localhost:3000", log: getLogger() };
});

afterAll(async () => {
  expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });
  await handle.drop();
  rmSync(root, { recursive: true, force: true });
});

it(
  `the demo shop is a real database with customers, orders and one backup, removed again (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`,
  { timeout: 120_000 },
  async () => {
    await demoShopPart.setUp(context);
    const { config } = await getTargetConfig<DatabaseTargetConfig>(handle.db, "database", DEMO_SHOP);
    const backups = listBackups(config.backupDirectory);
    expect(backups).toHaveLength(1);
    expect(backups[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);

    if (handle.driverName === "postgres") {
      expect(config.driver).toBe("postgres");
      const url = (await readSecretValue(handle.db, DEMO_SHOP_SECRET))!.value;
      expect(parseConnectionUrl(url).database).toMatch(/^keel_demo_shop_[0-9a-f]{6}$/);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query(
        "select (select count(*)::int from customers) as customers, (select count(*)::int from orders) as orders",
      );
      await client.end();
      expect(rows[0]).toEqual({ customers: 5, orders: 6 });
      expect(backups[0]!.name).toMatch(/\.dump$/);
      await demoShopPart.tearDown(context);
      const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await admin.connect();
      const left = await admin.query("select 1 from pg_database where datname = $1", [
        parseConnectionUrl(url).database,
      ]);
      await admin.end();
      expect(left.rows).toHaveLength(0);
      expect(await readSecretValue(handle.db, DEMO_SHOP_SECRET)).toBeNull();
    } else {
      expect(config).toMatchObject({ driver: "embedded", dataDir: path.join(root, "shop-db") });
      expect(backups[0]!.name).toMatch(/\.sql$/);
      await demoShopPart.tearDown(context);
      expect(existsSync(path.join(root, "shop-db"))).toBe(false);
    }
  },
);

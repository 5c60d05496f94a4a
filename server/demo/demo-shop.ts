import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { eq } from "drizzle-orm";
import pg from "pg";
import { managedSecrets } from "@/db/schema";
import { appendAuditEvent } from "../audit/append";
import { fingerprintSecret } from "../audit/fingerprint";
import {
  backupFileName,
  completeBackup,
  ensureBackupDirectory,
  listBackups,
  partialPathFor,
} from "../backups/backup-files";
import type { DatabaseBackend } from "../backups/backend";
import type { DatabaseTargetConfig } from "../backups/database-target";
import { EmbeddedBackend } from "../backups/embedded-backend";
import { PostgresBackend } from "../backups/postgres-backend";
import { parseConnectionUrl, quoteIdentifier } from "../connectors/postgres";
import { createSecret, readSecretValue } from "../secrets/store";
import { saveTarget } from "../targets/commands";
import type { DemoContext, DemoPart } from "./environment";

/**
 * A small real shop database with customers and orders and one backup, so a newcomer can run
 * backup-database and restore-backup end to end. When Keel runs on PostgreSQL it is a new
 * database on the same server (URL in the managed secret demo-shop-url); otherwise an embedded
 * PGlite database under the demo root.
 */
export const DEMO_SHOP = "demo-shop";
export const DEMO_SHOP_SECRET = "demo-shop-url";

const SHOP_SQL = `
  create table customers (id serial primary key, name text not null, email text not null unique, joined_on date not null);
  create table orders (id serial primary key, customer_id int not null references customers(id), total_cents int not null check (total_cents >= 0), status text not null, placed_at timestamptz not null);
  insert into customers (name, email, joined_on) values
    ('Ada Lovelace', 'ada@shop.example', '2025-01-10'),
    ('Grace Hopper', 'grace@shop.example', '2025-02-14'),
    ('Alan Turing', 'alan@shop.example', '2025-03-01'),
    ('Katherine Johnson', 'katherine@shop.example', '2025-05-20'),
    ('Edsger Dijkstra', 'edsger@shop.example', '2025-07-07');
  insert into orders (customer_id, total_cents, status, placed_at) values
    (1, 4200, 'shipped', '2026-11-02T09:15:00Z'),
    (1, 1250, 'delivered', '2026-11-10T17:40:00Z'),
    (2, 9999, 'shipped', '2026-11-12T08:05:00Z'),
    (3, 300, 'cancelled', '2026-11-15T12:00:00Z'),
    (4, 15900, 'paid', '2026-11-28T21:30:00Z'),
    (5, 780, 'paid', '2026-11-30T07:45:00Z');
`;

function baseConfig(root: string) {
  return {
    backupDirectory: path.join(root, "shop-backups"),
    recoveryPointObjective: "24h",
    recoveryTimeObjective: "15m",
    expectedTables: ["customers", "orders"],
    healthQuery: "select count(*) from orders",
    restoreMode: "scratch-then-swap" as const,
  };
}

async function setUpOnPostgres(
  context: DemoContext,
): Promise<{ config: DatabaseTargetConfig; backend: DatabaseBackend }> {
  if (context.handle.target.driver !== "pg") throw new Error("Keel is not on PostgreSQL");
  const existing = await readSecretValue(context.handle.db, DEMO_SHOP_SECRET);
  let url = existing?.value;
  if (!url) {
    const name = `keel_demo_shop_${randomBytes(3).toString("hex")}`;
    const keelUrl = new URL(context.handle.target.url);
    keelUrl.pathname = `/${name}`;
    url = keelUrl.toString();
    // CREATE DATABASE cannot run in a transaction; the secret is written only once the database exists.
    await runOn(context.handle.target.url, `create database ${quoteIdentifier(name)}`);
    await runOn(url, SHOP_SQL);
    await createSecret(context.handle.db, context.actor, {
      name: DEMO_SHOP_SECRET,
      description: "Connection URL of the demo shop database",
      policy: { length: 32, alphabet: "base64url" },
      gracePeriodHours: 0,
      value: url,
    });
  }
  const connection = parseConnectionUrl(url);
  return {
    config: {
      driver: "postgres",
      urlSecret: DEMO_SHOP_SECRET,
      maintenanceDatabase: new URL(context.handle.target.url).pathname.slice(1),
      ...baseConfig(context.root),
    },
    backend: new PostgresBackend(connection, new URL(context.handle.target.url).pathname.slice(1)),
  };
}

async function setUpEmbedded(
  context: DemoContext,
): Promise<{ config: DatabaseTargetConfig; backend: DatabaseBackend }> {
  const dataDir = path.join(context.root, "shop-db");
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    mkdirSync(dataDir, { recursive: true });
    const db = new PGlite(dataDir);
    try {
      await db.waitReady;
      await db.exec(SHOP_SQL);
    } finally {
      await db.close();
    }
  }
  return {
    config: { driver: "embedded", dataDir, ...baseConfig(context.root) },
    backend: new EmbeddedBackend(dataDir),
  };
}

async function runOn(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export const demoShopPart: DemoPart = {
  name: DEMO_SHOP,
  async setUp(context) {
    const { config, backend } =
      context.handle.target.driver === "pg" ? await setUpOnPostgres(context) : await setUpEmbedded(context);
    ensureBackupDirectory(config.backupDirectory);
    if (listBackups(config.backupDirectory).length === 0) {
      const name = backupFileName(DEMO_SHOP, new Date(), randomBytes(4).toString("hex"), backend.format);
      const partial = partialPathFor(config.backupDirectory, name);
      await backend.dump(
        partial,
        (line) => context.log.debug({ line }, "demo-shop backup"),
        new AbortController().signal,
      );
      await completeBackup(config.backupDirectory, partial, name);
    }
    await saveTarget(
      context.handle.db,
      context.actor,
      {
        kind: "database",
        name: DEMO_SHOP,
        description: "The demo shop: customers and orders, with one backup",
        config,
      },
      "demo",
    );
  },
  async tearDown(context) {
    const secret = await readSecretValue(context.handle.db, DEMO_SHOP_SECRET);
    if (secret && context.handle.target.driver === "pg") {
      const database = parseConnectionUrl(secret.value).database;
      // The database, and the copies restores kept or left (<name>_keel_before_…, <name>_keel_restore_…).
      const client = new pg.Client({ connectionString: context.handle.target.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ datname: string }>(
          "select datname from pg_database where datname = $1 or datname like $2",
          [database, `${database.slice(0, 40)}\\_keel\\_%`],
        );
        for (const row of rows)
          await client.query(`drop database if exists ${quoteIdentifier(row.datname)} with (force)`);
      } finally {
        await client.end();
      }
    }
    if (secret) {
      await context.handle.db.transaction(async (tx) => {
        await tx.delete(managedSecrets).where(eq(managedSecrets.name, DEMO_SHOP_SECRET));
        await appendAuditEvent(tx, context.actor, {
          eventType: "secret.deleted",
          outcome: "success",
          entityType: "secret",
          entityId: DEMO_SHOP_SECRET,
          meta: {
            name: DEMO_SHOP_SECRET,
            fingerprint: fingerprintSecret(secret.value),
            reason: "demo environment removed",
          },
        });
      });
    }
    rmSync(path.join(context.root, "shop-db"), { recursive: true, force: true });
    rmSync(path.join(context.root, "shop-backups"), { recursive: true, force: true });
  },
};

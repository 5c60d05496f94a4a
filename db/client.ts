import path from "node:path";
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import pg from "pg";
import * as schema from "./schema";
import { redactDatabaseUrl } from "./connection-url";

export type Schema = typeof schema;
/** One typed database over both drivers. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** Anything queries can run on: the database or an open transaction. */
export type Queryable = Database | Transaction;

export type DatabaseTarget =
  | { driver: "pg"; url: string }
  | {
      driver: "pglite";
      dataDir: string | null /* null: in memory */;
      snapshot?: Blob; /* a dumpDataDir() tarball to start from */
    };

export interface DatabaseHandle {
  db: Database;
  target: DatabaseTarget;
  /** Human-readable location, never containing a password. */
  description: string;
  /** The raw driver, for LISTEN/NOTIFY and tools that need it. */
  raw: { kind: "pg"; pool: pg.Pool } | { kind: "pglite"; client: PGlite };
  close(): Promise<void>;
}

export class DatabaseConnectionError extends Error {
  constructor(description: string, reason: string) {
    super(`Cannot open the database at ${description}: ${reason}`);
    this.name = "DatabaseConnectionError";
  }
}

/**
 * Where the console's data lives: PostgreSQL when DATABASE_URL is set, otherwise embedded PGlite
 * persisted under KEEL_DATA_DIR (default .data/).
 */
/**
 * DATABASE_POOL_MAX, validated again here (server/config/env.ts refuses a bad one at start):
 * scripts open the database without the rest of the configuration.
 */
function poolMax(): number {
  const text = process.env.DATABASE_POOL_MAX?.trim();
  if (!text) return 10;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > 1000)
    throw new Error(`DATABASE_POOL_MAX must be a whole number of connections from 1 to 1,000 (it is "${text}").`);
  return value;
}

export function databaseTargetFromEnv(env: NodeJS.ProcessEnv = process.env): DatabaseTarget {
  if (env.DATABASE_URL) return { driver: "pg", url: env.DATABASE_URL };
  const dataDir = path.resolve(/*turbopackIgnore: true*/ env.KEEL_DATA_DIR ?? ".data");
  return { driver: "pglite", dataDir: path.join(dataDir, "pglite") };
}

/** Opens a connection and proves it with a round trip. Has no side effect until called. */
export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  if (target.driver === "pg") return openPostgres(target);
  return openPglite(target);
}

async function openPostgres(target: { driver: "pg"; url: string }): Promise<DatabaseHandle> {
  const description = redactDatabaseUrl(target.url);
  const pool = new pg.Pool({
    connectionString: target.url,
    max: poolMax(),
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on("error", () => undefined);
  try {
    await pool.query("select 1");
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new DatabaseConnectionError(description, reasonOf(error));
  }
  const db = drizzlePg(pool, { schema }) as unknown as Database;
  return {
    db,
    target,
    description,
    raw: { kind: "pg", pool },
    close: () => pool.end(),
  };
}

async function openPglite(target: Extract<DatabaseTarget, { driver: "pglite" }>): Promise<DatabaseHandle> {
  const description = target.dataDir ? `embedded PGlite in ${target.dataDir}` : "embedded PGlite in memory";
  let client: PGlite;
  try {
    if (target.dataDir) mkdirSync(target.dataDir, { recursive: true });
    client = new PGlite({ dataDir: target.dataDir ?? undefined, loadDataDir: target.snapshot });
    await client.waitReady;
    await client.query("select 1");
  } catch (error) {
    throw new DatabaseConnectionError(description, reasonOf(error));
  }
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  return {
    db,
    target,
    description,
    raw: { kind: "pglite", client },
    close: () => client.close(),
  };
}

function reasonOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return reasonOf(error.errors[0]);
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message || String(code);
  }
  return String(error);
}

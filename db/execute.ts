import type { SQL } from "drizzle-orm";
import type { Queryable } from "./client";

/**
 * Runs raw SQL and returns its rows. Both drivers answer `execute` with `{ rows }`; the shared
 * Database type cannot say so, hence this single cast.
 */
export async function queryRows<T extends Record<string, unknown>>(db: Queryable, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

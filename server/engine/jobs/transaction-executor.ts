import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { queryRows } from "@/db/execute";

/**
 * Turns a statement written with positional parameters (`$1`, `$2`, …, as pg-boss writes them)
 * into a drizzle query bound to the same values, so it runs on whatever `db` is: the pool, the
 * embedded PGlite, or an open transaction. A parameter used twice is bound twice.
 */
export function positionalToSql(text: string, values: readonly unknown[]): SQL {
  const parts = text.split(/\$(\d+)/);
  const chunks: SQL[] = [];
  parts.forEach((part, i) => {
    if (i % 2 === 0) {
      if (part) chunks.push(sql.raw(part));
      return;
    }
    const index = Number(part) - 1;
    if (index < 0 || index >= values.length)
      throw new Error(`The statement refers to $${part}, but only ${values.length} values were given.`);
    chunks.push(sql`${bindable(values[index])}`);
  });
  return sql.join(chunks);
}

/** Plain objects (a job's data) go as JSON text, as node-postgres would send them; the rest as they are. */
function bindable(value: unknown): unknown {
  if (value === undefined) return null;
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype)
    return JSON.stringify(value);
  return value;
}

/** A pg-boss database executor that runs its statements inside `db` (a transaction, usually). */
export function executorOn(db: Queryable): {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
} {
  return {
    async executeSql(text, values = []) {
      return { rows: await queryRows(db, positionalToSql(text, values)) };
    },
  };
}

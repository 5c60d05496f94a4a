import { quoteIdentifier } from "../connectors/postgres";
import { splitTableName } from "./database-target";

/** Runs one query and returns its rows; both drivers (pg and PGlite) provide one. */
export type QueryRows = <Row extends Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<Row[]>;

/** The database's own tables ("public.orders"), leaving out PostgreSQL's catalogs. */
export async function userTables(query: QueryRows): Promise<string[]> {
  const rows = await query<{ name: string }>(
    `select n.nspname || '.' || c.relname as name
       from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%'
      order by 1`,
  );
  return rows.map((r) => r.name);
}

/** Exact row counts (count(*), not the planner's estimate): a restore is compared on them. A missing table counts as null. */
export async function rowCounts(query: QueryRows, tables: string[]): Promise<Record<string, number | null>> {
  const present = new Set(await userTables(query));
  const counts: Record<string, number | null> = {};
  for (const name of tables) {
    if (!present.has(name)) {
      counts[name] = null;
      continue;
    }
    const { schema, table } = splitTableName(name);
    const [row] = await query<{ n: string | number }>(
      `select count(*) as n from ${quoteIdentifier(schema)}.${quoteIdentifier(table)}`,
    );
    counts[name] = Number(row!.n);
  }
  return counts;
}

/** Tables whose count in the restored database differs from the backup's, as readable lines. */
export function countMismatches(expected: Record<string, number>, actual: Record<string, number | null>): string[] {
  return Object.entries(expected)
    .filter(([table, n]) => actual[table] !== n)
    .map(([table, n]) =>
      actual[table] === null || actual[table] === undefined
        ? `${table} is missing (the backup has ${n} rows)`
        : `${table} has ${actual[table]} rows, the backup ${n}`,
    );
}

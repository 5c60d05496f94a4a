import type { DatabaseHandle } from "@/db/client";

type Query = { text: string; values?: unknown[] };
type QueryResult = { rows: Record<string, unknown>[]; rowCount: number };

/**
 * The counter store as rate-limiter-flexible's PostgreSQL limiter expects it (`query({ text,
 * values })` answering `{ rows, rowCount }`), over either of Keel's drivers. Statements are
 * never named: PGlite has no named prepared statements, and pg would keep one per pooled client.
 */
export function rateLimitStoreClient(handle: Pick<DatabaseHandle, "raw">): { query(q: Query): Promise<QueryResult> } {
  const raw = handle.raw;
  if (raw.kind === "pg") {
    return {
      async query({ text, values }) {
        const result = await raw.pool.query(text, values);
        return { rows: result.rows as Record<string, unknown>[], rowCount: result.rowCount ?? result.rows.length };
      },
    };
  }
  return {
    async query({ text, values }) {
      const result = await raw.client.query<Record<string, unknown>>(text, values);
      // PGlite counts affected rows for writes only; a select's count is its rows.
      return { rows: result.rows, rowCount: result.affectedRows || result.rows.length };
    },
  };
}

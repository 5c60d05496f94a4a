/**
 * What a log may say about a failed database query: the statement's verb and table, the
 * PostgreSQL error code and the error's message up to its first value. Never the query text
 * (drizzle's "Failed query: … params: …" message carries every parameter, password hashes
 * included) and never a driver message's values ('invalid input syntax for type uuid: "…"', a
 * unique violation's detail).
 */

const FAILED_QUERY = "Failed query:";

type QueryErrorLike = Error & { query: string; params: unknown };
type DatabaseErrorLike = Error & { code: string };

/** drizzle's DrizzleQueryError, recognised by shape: Next.js's bundle and the server each load their own drizzle. */
export function isQueryError(error: unknown): error is QueryErrorLike {
  return error instanceof Error && typeof (error as Partial<QueryErrorLike>).query === "string" && "params" in error;
}

/** An error from PostgreSQL (pg or PGlite): a five-character SQLSTATE plus a severity or routine. */
export function isDatabaseError(error: unknown): error is DatabaseErrorLike {
  if (!(error instanceof Error)) return false;
  const { code } = error as { code?: unknown };
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) && ("severity" in error || "routine" in error);
}

/** "insert users", "select audit_events", "with": the verb and the first table a statement names. */
export function statementLabel(query: string): string {
  const verb = /^\s*(\w+)/.exec(query)?.[1]?.toLowerCase() ?? "statement";
  const table = /\b(?:into|from|update|table)\s+"?([A-Za-z_][\w]*)"?(?:\."?([A-Za-z_][\w]*)"?)?/i.exec(query);
  if (!table) return verb;
  return `${verb} ${table[2] ?? table[1]}`;
}

/** A driver message cut before its first value: 'invalid input syntax for type uuid: "x"' keeps 'invalid input syntax for type uuid'. */
export function messageWithoutValues(message: string): string {
  const firstLine = message.split("\n")[0] ?? "";
  const colon = firstLine.indexOf(": ");
  return (colon >= 0 ? firstLine.slice(0, colon) : firstLine).slice(0, 200);
}

/** Any text holding drizzle's failed-query message, with everything from it on withheld. */
export function scrubQueryText(text: string): string {
  const at = text.indexOf(FAILED_QUERY);
  return at < 0 ? text : `${text.slice(0, at)}Failed query (statement and parameters withheld from logs)`;
}

export type SafeErrorDescription = { type: string; message: string; code?: string; statement?: string; stack?: string };

/**
 * A description of a database error that is safe to log, or null when `error` is not one. The
 * stack keeps its frames and loses its first lines, which repeat the message.
 */
export function describeDatabaseError(error: unknown): SafeErrorDescription | null {
  const cause = error instanceof Error ? error.cause : undefined;
  const database = isDatabaseError(error) ? error : isDatabaseError(cause) ? cause : null;
  if (isQueryError(error)) {
    const statement = statementLabel(error.query);
    const reason = database ? messageWithoutValues(database.message) : "no reason given";
    return {
      type: "DatabaseQueryError",
      message: `Query failed (${statement}): ${reason}`,
      code: database?.code,
      statement,
      stack: framesOf(error.stack),
    };
  }
  if (database) {
    return {
      type: "DatabaseError",
      message: messageWithoutValues(database.message),
      code: database.code,
      stack: framesOf((error as Error).stack),
    };
  }
  if (error instanceof Error && error.message.includes(FAILED_QUERY)) {
    return { type: error.name, message: scrubQueryText(error.message), stack: framesOf(error.stack) };
  }
  return null;
}

function framesOf(stack: string | undefined): string | undefined {
  if (!stack) return undefined;
  return stack
    .split("\n")
    .filter((line) => /^\s+at /.test(line))
    .join("\n");
}

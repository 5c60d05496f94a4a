import { readdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { checkExecutable, CommandError, runCommand, type CommandRun } from "./command";

/**
 * How Keel reaches a PostgreSQL server it manages: the client tools (pg_dump, pg_restore, psql)
 * run without a shell with the password only in their environment (PGPASSWORD), never in their
 * arguments, where any process could read it; SQL goes through the `pg` driver.
 */

export type PgTool = "pg_dump" | "pg_restore" | "psql";

/** A connection URL, split into what libpq reads from the environment. */
export type PgConnection = {
  host: string;
  port: number;
  user: string;
  password: string | null;
  database: string;
  sslmode: string | null;
};

export function parseConnectionUrl(url: string): PgConnection {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CommandError(
      "The connection URL is not a valid URL (expected postgres://user:password@host:port/database).",
    );
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:")
    throw new CommandError(`The connection URL must start with postgres:// (it starts with ${parsed.protocol}//).`);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  if (!database) throw new CommandError("The connection URL names no database.");
  return {
    host: parsed.hostname || "localhost",
    port: parsed.port ? Number(parsed.port) : 5432,
    user: decodeURIComponent(parsed.username) || "postgres",
    password: parsed.password ? decodeURIComponent(parsed.password) : null,
    database,
    sslmode: parsed.searchParams.get("sslmode"),
  };
}

export function withDatabase(connection: PgConnection, database: string): PgConnection {
  return { ...connection, database };
}

/** "postgres@127.0.0.1:5432/shop": where, never with the password. */
export function describeConnection(connection: PgConnection): string {
  return `${connection.user}@${connection.host}:${connection.port}/${connection.database}`;
}

/** The environment libpq tools read; the only place the password goes. */
export function libpqEnvironment(connection: PgConnection): Record<string, string> {
  return {
    PGHOST: connection.host,
    PGPORT: String(connection.port),
    PGUSER: connection.user,
    PGDATABASE: connection.database,
    PGCONNECT_TIMEOUT: "10",
    PGAPPNAME: "keel",
    ...(connection.password !== null ? { PGPASSWORD: connection.password } : {}),
    ...(connection.sslmode ? { PGSSLMODE: connection.sslmode } : {}),
  };
}

/** A connection through the `pg` driver, for SQL Keel runs itself (counts, renames, health queries). */
export async function withClient<T>(connection: PgConnection, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    host: connection.host,
    port: connection.port,
    user: connection.user,
    password: connection.password ?? undefined,
    database: connection.database,
    ssl:
      connection.sslmode && connection.sslmode !== "disable"
        ? { rejectUnauthorized: connection.sslmode === "verify-full" }
        : undefined,
    connectionTimeoutMillis: 10_000,
    application_name: "keel",
  });
  // A dropped connection must not crash the process; the query in flight fails instead.
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw new CommandError(`Cannot connect to ${describeConnection(connection)}: ${reasonOf(error)}`);
  }
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The server's major version (15 for 15.4), which decides the client tools to use. */
export async function serverMajorVersion(connection: PgConnection): Promise<number> {
  return withClient(connection, async (client) => {
    const { rows } = await client.query<{ server_version_num: string }>("show server_version_num");
    return Math.floor(Number(rows[0]!.server_version_num) / 10_000);
  });
}

export type ToolLocation = { path: string; major: number };

const TOOL_VERSION = /\(PostgreSQL\)\s+(\d+)/;

/** Every copy of a tool on this machine: on PATH and under /usr/lib/postgresql/<major>/bin (Debian's layout). */
export async function findTools(
  tool: PgTool,
  options: { pathDirs?: string[]; libRoot?: string } = {},
): Promise<ToolLocation[]> {
  const found: ToolLocation[] = [];
  const libRoot = options.libRoot ?? "/usr/lib/postgresql";
  let majors: string[] = [];
  try {
    majors = readdirSync(libRoot).filter((d) => /^\d+$/.test(d));
  } catch {
    // No Debian layout here; PATH may still have the tools.
  }
  for (const major of majors) {
    const candidate = path.join(libRoot, major, "bin", tool);
    if (isExecutable(candidate)) found.push({ path: candidate, major: Number(major) });
  }
  const pathDirs = options.pathDirs ?? (process.env.PATH ?? "").split(path.delimiter).filter(Boolean);
  for (const dir of pathDirs) {
    const candidate = path.join(dir, tool);
    if (!isExecutable(candidate) || found.some((f) => f.path === candidate)) continue;
    const major = await toolMajorVersion(candidate);
    if (major !== null) found.push({ path: candidate, major });
  }
  return found;
}

function isExecutable(file: string): boolean {
  try {
    checkExecutable(file);
    return true;
  } catch {
    return false;
  }
}

async function toolMajorVersion(executable: string): Promise<number | null> {
  let text = "";
  const result = await runCommand(
    { executable, args: ["--version"], timeoutSeconds: 10 },
    { onLine: (line) => (text += `${line}\n`) },
  ).catch(() => null);
  if (!result || result.exitCode !== 0) return null;
  const match = TOOL_VERSION.exec(text);
  return match ? Number(match[1]) : null;
}

/**
 * The tool to use against a server of the given major version: the newest copy whose major is at
 * least the server's (pg_dump refuses servers newer than itself). Missing tools name the package.
 */
export function chooseTool(tool: PgTool, locations: ToolLocation[], serverMajor: number | null): ToolLocation {
  if (locations.length === 0)
    throw new CommandError(
      `${tool} is not installed on the Keel server: install the Debian package postgresql-client (apt-get install postgresql-client).`,
    );
  const sorted = [...locations].sort((a, b) => b.major - a.major);
  const newest = sorted[0]!;
  if (serverMajor !== null && newest.major < serverMajor) {
    throw new CommandError(
      `${tool} ${newest.major} cannot work with a PostgreSQL ${serverMajor} server: install the Debian package postgresql-client-${serverMajor} (or a newer postgresql-client).`,
    );
  }
  return newest;
}

export async function locateTool(tool: PgTool, serverMajor: number | null): Promise<ToolLocation> {
  return chooseTool(tool, await findTools(tool), serverMajor);
}

export type ToolRun = Pick<CommandRun, "signal" | "onLine"> & { timeoutSeconds?: number };

/**
 * Runs a client tool against a connection and fails, quoting the last lines the tool wrote to
 * stderr, unless it exits 0. The password reaches the tool only through PGPASSWORD.
 */
export async function runTool(
  tool: ToolLocation,
  args: string[],
  connection: PgConnection,
  run: ToolRun = {},
): Promise<void> {
  const lastErrors: string[] = [];
  const result = await runCommand(
    { executable: tool.path, args, timeoutSeconds: run.timeoutSeconds ?? 3600 },
    {
      env: libpqEnvironment(connection),
      signal: run.signal,
      onLine(line, stream) {
        if (stream === "stderr" && line.trim()) {
          lastErrors.push(line);
          if (lastErrors.length > 5) lastErrors.shift();
        }
        run.onLine?.(line, stream);
      },
    },
  );
  const name = path.basename(tool.path);
  if (result.timedOut) throw new CommandError(`${name} did not finish within ${run.timeoutSeconds ?? 3600}s.`);
  if (result.exitCode !== 0) {
    const said =
      lastErrors
        .filter((l) => /error|fatal|could not|failed/i.test(l))
        .slice(-2)
        .join(" ") || lastErrors.slice(-1).join(" ");
    throw new CommandError(`${name} exited with ${result.exitCode ?? result.signal}${said ? `: ${said}` : ""}`);
  }
}

/** Quotes an identifier for SQL Keel writes itself (database and table names from configuration). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function reasonOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return reasonOf(error.errors[0]);
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    return code && !error.message.includes(code)
      ? `${error.message || "failed"} (${code})`
      : error.message || String(code);
  }
  return String(error);
}

import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "@/db/client";
import { queryRows } from "@/db/execute";
import { pendingMigrations } from "@/db/migrate";
import { getLogger } from "../observability/logger";

export type HealthPartName = "database" | "migrations" | "jobQueue";

export type HealthPart = { ok: boolean; ms: number; detail: string };

export type HealthReport = { ok: boolean; failed: HealthPartName[]; parts: Record<HealthPartName, HealthPart> };

/** What the health check looks at: the process's database and its job queue (null when no engine runs here). */
export type HealthDeps = {
  handle: () => Promise<DatabaseHandle>;
  queue: { depth(): Promise<number> } | null;
  /** Each part must answer within this long (default 2 s): a hanging database is a failing one. */
  timeoutMs?: number;
};

/**
 * The deep health check (seed 003 §2): a database round trip, every committed migration
 * applied, and the job queue answering. Each part runs with a timeout and reports on its own, so
 * a 503 names what failed. Details are written for an operator and never carry driver messages
 * (which may hold host names or SQL): those go to the log.
 */
export async function checkHealth(deps: HealthDeps): Promise<HealthReport> {
  const timeoutMs = deps.timeoutMs ?? 2000;
  const [database, migrations, jobQueue] = await Promise.all([
    timed("database", timeoutMs, async () => {
      const handle = await deps.handle();
      await queryRows(handle.db, sql`select 1 as one`);
      return "answered a query";
    }),
    timed("migrations", timeoutMs, async () => {
      const pending = await pendingMigrations(await deps.handle());
      if (pending.length > 0) throw new HealthFailure(`${pending.length} committed migration(s) not applied`);
      return "all committed migrations applied";
    }),
    timed("jobQueue", timeoutMs, async () => {
      if (!deps.queue) throw new HealthFailure("no job queue runs in this process");
      const depth = await deps.queue.depth();
      return `answering; ${depth} job(s) waiting or running`;
    }),
  ]);
  const parts = { database, migrations, jobQueue };
  const failed = (Object.keys(parts) as HealthPartName[]).filter((name) => !parts[name].ok);
  return { ok: failed.length === 0, failed, parts };
}

/** A failure whose message is safe to show (it says what is wrong, not how the driver put it). */
export class HealthFailure extends Error {}

async function timed(name: HealthPartName, timeoutMs: number, probe: () => Promise<string>): Promise<HealthPart> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HealthFailure(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const detail = await Promise.race([probe(), timeout]);
    return { ok: true, ms: elapsed(started), detail };
  } catch (error) {
    if (!(error instanceof HealthFailure)) getLogger().warn({ err: error, part: name }, "health check part failed");
    return {
      ok: false,
      ms: elapsed(started),
      detail: error instanceof HealthFailure ? error.message : "failed (see the server log)",
    };
  } finally {
    clearTimeout(timer);
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

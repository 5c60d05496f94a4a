import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { queryRows } from "@/db/execute";
import { AppError } from "../errors";

/**
 * Run and step telemetry straight from `runs` and `run_steps` (seed 000 §3): counts, success
 * rates, p50/p95 durations (percentile_cont, in seconds), failure buckets by normalised error
 * text, and per-day trends. Durations count finished work only: a run from start to success; a
 * step from when it became current (its job's start, else the previous step's end, else the
 * run's start) to its end.
 */

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * Succeeded ÷ (succeeded + cancelled + failed/interrupted now); null when none has an outcome.
 * Refused runs are counted apart and left out: an approver's refusal is a decision, not a failure.
 */
function rate(succeeded: number, unsuccessful: number): number | null {
  return succeeded + unsuccessful > 0 ? succeeded / (succeeded + unsuccessful) : null;
}

/**
 * Error text with what varies between occurrences taken out (ids, hashes, numbers, addresses,
 * quoted values), so that the same failure groups into one bucket. In SQL so that grouping
 * happens in the database.
 */
export function normalisedError(column: SQL): SQL {
  return sql`left(btrim(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(lower(${column}),
    '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', '<id>', 'g'),
    '\\y[0-9a-f]{12,}\\y', '<hex>', 'g'),
    '"[^"]*"|''[^'']*''', '"…"', 'g'),
    '[0-9]+([.:][0-9]+)*', 'N', 'g'),
    '\\s+', ' ', 'g')), 200)`;
}

function sinceOf(days: number, now: Date): Date {
  return new Date(now.getTime() - days * 86_400_000);
}

export async function runbookSummaries(db: Queryable, days: number, now = new Date()) {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`
    select r.runbook_id, rb.title, count(*) as runs,
      count(*) filter (where r.status = 'succeeded') as succeeded,
      count(*) filter (where r.status = 'cancelled') as cancelled,
      count(*) filter (where r.status = 'refused') as refused,
      count(*) filter (where r.status in ('failed', 'interrupted')) as failing,
      count(*) filter (where r.status not in ('succeeded', 'cancelled', 'refused', 'failed', 'interrupted')) as active,
      percentile_cont(0.5) within group (order by extract(epoch from r.ended_at - r.created_at)) filter (where r.status = 'succeeded' and r.ended_at is not null) as p50,
      percentile_cont(0.95) within group (order by extract(epoch from r.ended_at - r.created_at)) filter (where r.status = 'succeeded' and r.ended_at is not null) as p95
    from runs r join runbooks rb on rb.id = r.runbook_id
    where r.created_at >= ${sinceOf(days, now)}
    group by r.runbook_id, rb.title
    order by count(*) desc, r.runbook_id`,
  );
  return rows.map((r) => {
    const succeeded = num(r.succeeded);
    const cancelled = num(r.cancelled);
    const failing = num(r.failing);
    return {
      runbookId: String(r.runbook_id),
      title: String(r.title),
      runs: num(r.runs),
      succeeded,
      cancelled,
      refused: num(r.refused),
      failing,
      active: num(r.active),
      successRate: rate(succeeded, cancelled + failing),
      p50Seconds: numOrNull(r.p50),
      p95Seconds: numOrNull(r.p95),
    };
  });
}

export async function stepSummaries(db: Queryable, runbookId: string, days: number, now = new Date()) {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`
    with steps as (
      select s.step_id, s.position, s.kind, s.status, s.attempt, s.ended_at,
        coalesce(s.started_at, lag(s.ended_at) over (partition by s.run_id order by s.position), r.created_at) as began_at
      from run_steps s join runs r on r.id = s.run_id
      where r.runbook_id = ${runbookId} and r.created_at >= ${sinceOf(days, now)}
    )
    select step_id, min(position) as position, min(kind) as kind,
      count(*) filter (where status not in ('pending', 'not_applicable')) as reached,
      count(*) filter (where status = 'succeeded') as succeeded,
      count(*) filter (where status in ('failed', 'interrupted', 'compensation_failed')) as failing,
      count(*) filter (where status = 'skipped') as skipped,
      coalesce(sum(attempt - 1), 0) as retries,
      percentile_cont(0.5) within group (order by extract(epoch from ended_at - began_at)) filter (where status = 'succeeded' and ended_at is not null) as p50,
      percentile_cont(0.95) within group (order by extract(epoch from ended_at - began_at)) filter (where status = 'succeeded' and ended_at is not null) as p95
    from steps group by step_id order by min(position)`,
  );
  return rows.map((r) => {
    const succeeded = num(r.succeeded);
    const failing = num(r.failing);
    return {
      stepId: String(r.step_id),
      position: num(r.position),
      kind: String(r.kind),
      reached: num(r.reached),
      succeeded,
      failing,
      skipped: num(r.skipped),
      retries: num(r.retries),
      successRate: rate(succeeded, failing),
      p50Seconds: numOrNull(r.p50),
      p95Seconds: numOrNull(r.p95),
    };
  });
}

/**
 * Steps whose latest attempt failed, grouped by their normalised error text. The grouping key is
 * for counting only; what a person reads is `example`, the most recent message as it was written,
 * and `variants`, how many different messages the group holds.
 */
export async function failureBuckets(db: Queryable, runbookId: string | null, days: number, now = new Date()) {
  const reason = normalisedError(sql`s.error`);
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`
    select ${reason} as reason, count(*) as count, count(distinct s.run_id) as runs,
      array_agg(distinct s.step_id) as steps, array_agg(distinct r.runbook_id) as runbooks,
      max(s.updated_at) as last_seen, count(distinct s.error) as variants,
      (array_agg(s.error order by s.updated_at desc))[1] as example
    from run_steps s join runs r on r.id = s.run_id
    where s.error is not null and s.error <> '' and s.status <> 'refused' and r.created_at >= ${sinceOf(days, now)}
      ${runbookId ? sql`and r.runbook_id = ${runbookId}` : sql``}
    group by 1 order by count(*) desc, 1 limit 20`,
  );
  return rows.map((r) => ({
    reason: String(r.reason),
    count: num(r.count),
    runs: num(r.runs),
    steps: (r.steps as string[]) ?? [],
    runbooks: (r.runbooks as string[]) ?? [],
    lastSeen: new Date(String(r.last_seen)),
    example: String(r.example),
    variants: num(r.variants),
  }));
}

export type TrendDay = {
  day: string;
  runs: number;
  succeeded: number;
  failing: number;
  cancelled: number;
  refused: number;
  active: number;
  p50Seconds: number | null;
  p95Seconds: number | null;
};

/** One entry per UTC day of the range, days without runs included. */
export async function runTrend(
  db: Queryable,
  runbookId: string | null,
  days: number,
  now = new Date(),
): Promise<TrendDay[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`
    select to_char(date_trunc('day', r.created_at at time zone 'UTC'), 'YYYY-MM-DD') as day, count(*) as runs,
      count(*) filter (where r.status = 'succeeded') as succeeded,
      count(*) filter (where r.status in ('failed', 'interrupted')) as failing,
      count(*) filter (where r.status = 'cancelled') as cancelled,
      count(*) filter (where r.status = 'refused') as refused,
      percentile_cont(0.5) within group (order by extract(epoch from r.ended_at - r.created_at)) filter (where r.status = 'succeeded' and r.ended_at is not null) as p50,
      percentile_cont(0.95) within group (order by extract(epoch from r.ended_at - r.created_at)) filter (where r.status = 'succeeded' and r.ended_at is not null) as p95
    from runs r
    where r.created_at >= ${sinceOf(days - 1, startOfUtcDay(now))} ${runbookId ? sql`and r.runbook_id = ${runbookId}` : sql``}
    group by 1 order by 1`,
  );
  const byDay = new Map(rows.map((r) => [String(r.day), r]));
  const out: TrendDay[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const day = new Date(startOfUtcDay(now).getTime() - i * 86_400_000).toISOString().slice(0, 10);
    const r = byDay.get(day);
    const runs = num(r?.runs);
    const succeeded = num(r?.succeeded);
    const failing = num(r?.failing);
    const cancelled = num(r?.cancelled);
    const refused = num(r?.refused);
    out.push({
      day,
      runs,
      succeeded,
      failing,
      cancelled,
      refused,
      active: runs - succeeded - failing - cancelled - refused,
      p50Seconds: numOrNull(r?.p50),
      p95Seconds: numOrNull(r?.p95),
    });
  }
  return out;
}

function startOfUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

export async function telemetryOverview(db: Queryable, days: number, now = new Date()) {
  const [runbooks, trend, failures] = await Promise.all([
    runbookSummaries(db, days, now),
    runTrend(db, null, days, now),
    failureBuckets(db, null, days, now),
  ]);
  return { days, runbooks, trend, failures };
}

export async function runbookTelemetry(db: Queryable, runbookId: string, days: number, now = new Date()) {
  const [runbook] = await queryRows<{ id: string; title: string }>(
    db,
    sql`select id, title from runbooks where id = ${runbookId}`,
  );
  if (!runbook) throw AppError.field("runbookId", "No runbook has this id.", "NOT_FOUND");
  const [summary, steps, trend, failures] = await Promise.all([
    runbookSummaries(db, days, now).then((all) => all.find((r) => r.runbookId === runbookId) ?? null),
    stepSummaries(db, runbookId, days, now),
    runTrend(db, runbookId, days, now),
    failureBuckets(db, runbookId, days, now),
  ]);
  return { days, runbook, summary, steps, trend, failures };
}

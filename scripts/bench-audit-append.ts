/**
 * `npm run bench:audit-append [-- --seconds 10] [-- --writers 8,32]`: Keel's signed audit append
 * against its baseline, side by side in one run, on a throwaway PostgreSQL database
 * (TEST_DATABASE_URL, default the local server). The baseline is a plain single-row
 * INSERT+COMMIT of a same-shaped row (the audit table's columns, defaults and indexes, no
 * triggers, no signature) sent as raw SQL; Keel's side is appendAuditEvent (signed, through
 * drizzle, the triggers that draw seq and xid) while the chainer links rows in the same process.
 * Prints appends per second and p50/p95 latency for each, and their ratio. A script, not a test.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { openDatabase, type DatabaseHandle } from "../db/client";
import { queryRows } from "../db/execute";
import { migrateDatabase } from "../db/migrate";
import { appendAuditEvent } from "../server/audit/append";
import { linkPendingAuditEvents } from "../server/audit/chainer";
import { verifyAuditChain } from "../server/audit/verify";
import { quoteIdent, runAdminStatement, uniqueDatabaseName, urlForDatabase } from "../test/support/postgres-admin";

for (const name of ["AUTH_SECRET", "AUDIT_HMAC_KEY", "ENCRYPTION_KEY", "AUDIT_SIGNING_KEY"])
  process.env[name] ??= randomBytes(32).toString("base64");
process.env.LOG_LEVEL ??= "warn";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : fallback);
const SECONDS = Number(option("--seconds", "10"));
const WRITERS = option("--writers", "8,32").split(",").map(Number);
/** Baseline and Keel alternate this many times per writer count; the round with the median ratio is printed. */
const ROUNDS = Number(option("--rounds", "3"));
const BASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

const actor = {
  userId: randomUUID(),
  label: "bench@example.com",
  sessionId: randomUUID(),
  request: { ip: "198.51.100.7", userAgent: "bench", requestId: "bench" },
};
const meta = () => ({ stepId: "health", runNumber: 42, note: `checked ${randomBytes(6).toString("hex")}` });

type Phase = { perSecond: number; p50: number; p95: number; count: number };

/** Runs `writers` loops of `once` for SECONDS and measures each call. */
async function measure(writers: number, once: () => Promise<unknown>): Promise<Phase> {
  const latencies: number[] = [];
  const until = performance.now() + SECONDS * 1000;
  const loop = async () => {
    while (performance.now() < until) {
      const started = performance.now();
      await once();
      latencies.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: writers }, loop));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { perSecond: latencies.length / elapsed, p50: at(0.5), p95: at(0.95), count: latencies.length };
}

function plainInsert(handle: DatabaseHandle) {
  if (handle.raw.kind !== "pg") throw new Error("PostgreSQL only");
  const pool = handle.raw.pool;
  return () =>
    pool.query(
      `insert into bench_plain_audit (id, event_type, actor_user_id, actor_label, session_id, request_meta, event_meta, entity_type, entity_id, outcome, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        randomUUID(),
        "step.confirmed",
        actor.userId,
        actor.label,
        actor.sessionId,
        JSON.stringify(actor.request),
        JSON.stringify(meta()),
        "run",
        randomUUID(),
        "success",
        new Date(),
      ],
    );
}

async function main(): Promise<void> {
  const name = uniqueDatabaseName("keel_bench_append");
  await runAdminStatement(BASE_URL, `create database ${quoteIdent(name)}`);
  process.env.DATABASE_POOL_MAX = String(Math.max(...WRITERS) + 2);
  const handle = await openDatabase({ driver: "pg", url: urlForDatabase(BASE_URL, name) });
  try {
    await migrateDatabase(handle);
    // The baseline table: the audit table's columns, defaults and indexes, without its triggers.
    await handle.db.execute(sql.raw("create table bench_plain_audit (like audit_events including all)"));
    await handle.db.execute(sql.raw("create sequence bench_plain_audit_seq owned by bench_plain_audit.seq"));
    await handle.db.execute(
      sql.raw("alter table bench_plain_audit alter column seq set default nextval('bench_plain_audit_seq')"),
    );
    const [version] = await queryRows<{ v: string }>(handle.db, sql`select current_setting('server_version') as v`);
    process.stdout.write(
      `audit append benchmark on PostgreSQL ${version!.v}, ${SECONDS} s per phase, ${WRITERS.join(" and ")} writers, median of ${ROUNDS} alternating rounds\n\n`,
    );
    process.stdout.write(
      `writers  plain INSERT+COMMIT (appends/s, p50, p95)   Keel signed append (appends/s, p50, p95)   ratio\n`,
    );
    const plain = plainInsert(handle);
    const signed = () =>
      appendAuditEvent(handle.db, actor, {
        eventType: "step.confirmed",
        outcome: "success",
        entityType: "run",
        entityId: randomUUID(),
        meta: meta(),
      });
    await measure(8, plain); // warm-up, not counted
    for (const writers of WRITERS) {
      const rounds: Array<{ base: Phase; keel: Phase; ratio: number }> = [];
      for (let round = 0; round < ROUNDS; round++) {
        const base = await measure(writers, plain);
        let chaining = true;
        const chainer = (async () => {
          while (chaining) {
            await linkPendingAuditEvents(handle.db);
            await new Promise((resolve) => setTimeout(resolve, 250));
          }
        })();
        const keel = await measure(writers, signed);
        chaining = false;
        await chainer;
        rounds.push({ base, keel, ratio: keel.perSecond / base.perSecond });
      }
      rounds.sort((a, b) => a.ratio - b.ratio);
      const { base, keel } = rounds[Math.floor(rounds.length / 2)]!;
      const cell = (p: Phase) =>
        `${p.perSecond.toFixed(0).padStart(6)}/s ${p.p50.toFixed(1).padStart(6)} ms ${p.p95.toFixed(1).padStart(6)} ms`;
      process.stdout.write(
        `${String(writers).padStart(7)}  ${cell(base).padEnd(43)}  ${cell(keel).padEnd(41)}  ${(keel.perSecond / base.perSecond).toFixed(2)}× (rounds: ${rounds.map((r) => r.ratio.toFixed(2)).join(", ")})\n`,
      );
    }
    for (;;) if (!(await linkPendingAuditEvents(handle.db))?.more) break;
    const started = performance.now();
    const verified = await verifyAuditChain(handle.db);
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(
      `\nchain after the run: ${verified.ok ? `verifies, ${verified.count} rows, ${verified.pending} pending` : `BROKEN at ${verified.brokenSeq}: ${verified.problem}`} (verified in ${seconds.toFixed(1)} s)\n`,
    );
  } finally {
    await handle.close();
    await runAdminStatement(BASE_URL, `drop database if exists ${quoteIdent(name)} with (force)`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

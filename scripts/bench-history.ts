/**
 * `npm run bench:history [-- --rows 1000000] [-- --pglite]`: fills a fresh database with a
 * realistic, signed and linked audit trail and times the History viewer's main queries
 * (p50/p95), the chain banner (first full walk, then incremental) and the export (rows per
 * second, peak RSS and heap). PostgreSQL when TEST_DATABASE_URL is set (a throwaway database is
 * created and dropped), otherwise an in-memory PGlite. A script, not a test.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { openDatabase, type DatabaseHandle } from "../db/client";
import { queryRows } from "../db/execute";
import { migrateDatabase } from "../db/migrate";
import { rowMessage, sha256, type ChainedRecord } from "../server/audit/chain";
import { linkPendingAuditEvents } from "../server/audit/chainer";
import { auditSigner } from "../server/audit/keys";
import type { HistoryViewer } from "../server/history/conditions";
import { quoteIdent, runAdminStatement, uniqueDatabaseName, urlForDatabase } from "../test/support/postgres-admin";

for (const name of ["AUTH_SECRET", "AUDIT_HMAC_KEY", "ENCRYPTION_KEY", "AUDIT_SIGNING_KEY"])
  process.env[name] ??= randomBytes(32).toString("base64");
process.env.LOG_LEVEL ??= "warn";

const args = process.argv.slice(2);
const ROWS = Number(args[args.indexOf("--rows") + 1] ?? 0) || 1_000_000;
const usePglite = args.includes("--pglite") || !process.env.TEST_DATABASE_URL;
const REPEAT = Number(args[args.indexOf("--repeat") + 1] ?? 0) || 25;

const WORDS =
  "rollback deploy checkout billing payments latency timeout gateway database replica failover cache certificate rotation allowlist nginx kafka consumer lag migration schema index vacuum disk quota memory pressure restart canary release hotfix incident customer".split(
    " ",
  );
const ERRORS = [
  "health check timed out after 300 s",
  "connection refused by 10.0.4.12:5432",
  "HTTP 503 from the deploy API",
  "git push rejected: non-fast-forward",
  "probe answered 401 with the new value",
];

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

function pick<T>(list: readonly T[], n: number): T {
  return list[n % list.length]!;
}

type Fixture = { users: Array<{ id: string; email: string }>; runs: string[]; secrets: string[] };

function fixture(): Fixture {
  const users = Array.from({ length: 200 }, (_, i) => ({ id: randomUUID(), email: `person${i}@example.com` }));
  return {
    users,
    runs: Array.from({ length: 20_000 }, () => randomUUID()),
    secrets: Array.from({ length: 50 }, (_, i) => `service-${i}-api-key`),
  };
}

/** A plausible event for position i: sign-ins, runs and steps, secrets, users. */
function eventAt(
  i: number,
  f: Fixture,
  createdAt: Date,
): Omit<ChainedRecord, "seq" | "createdAt"> & { createdAt: Date } {
  const user = pick(f.users, (i * 7919) % 200);
  const run = pick(f.runs, Math.floor(i / 12));
  const kind = i % 20;
  const base = {
    id: randomUUID(),
    actorUserId: user.id,
    actorLabel: user.email,
    sessionId: randomUUID(),
    requestMeta: { ip: `198.51.100.${i % 250}`, userAgent: "Mozilla/5.0", requestId: `r${i}` },
    createdAt,
  };
  const words = `${pick(WORDS, i)} ${pick(WORDS, i * 3 + 1)} ${pick(WORDS, i * 5 + 2)}`;
  if (kind === 0)
    return {
      ...base,
      eventType: "auth.signed_in",
      entityType: "user",
      entityId: user.id,
      outcome: "success",
      eventMeta: { method: "password" },
    };
  if (kind === 1)
    return {
      ...base,
      eventType: "run.started",
      entityType: "run",
      entityId: run,
      outcome: "success",
      eventMeta: {
        runbookId: pick(["rollback", "whitelist-ip", "rotate-secret", "restore-backup"], i),
        runNumber: Math.floor(i / 12),
        inputs: { reason: `Customer reports ${words}` },
      },
    };
  if (kind === 2)
    return {
      ...base,
      eventType: "step.failed",
      entityType: "run",
      entityId: run,
      outcome: "failure",
      eventMeta: { stepId: "health", attempt: 1, error: pick(ERRORS, i) },
    };
  if (kind === 3)
    return {
      ...base,
      eventType: "secret.promoted",
      entityType: "secret",
      entityId: pick(f.secrets, i),
      outcome: "success",
      eventMeta: { fingerprint: `hmac-sha256:${randomBytes(16).toString("hex")}` },
    };
  if (kind === 4)
    return {
      ...base,
      eventType: "auth.sign_in_failed",
      entityType: "user",
      entityId: user.id,
      outcome: "failure",
      eventMeta: { reason: "wrong_password", email: user.email },
    };
  if (kind < 10)
    return {
      ...base,
      eventType: "step.confirmed",
      entityType: "run",
      entityId: run,
      outcome: "success",
      eventMeta: { stepId: `step-${kind}`, note: `Checked ${words}` },
    };
  return {
    ...base,
    eventType: pick(["step.started", "step.succeeded", "approval.given", "run.lock_acquired"], i),
    entityType: "run",
    entityId: run,
    outcome: "success",
    eventMeta: { stepId: `step-${kind}`, attempt: 1 },
  };
}

/** Signed rows as appendAuditEvent writes them, inserted in batches, then linked by the chainer. */
async function fill(handle: DatabaseHandle, f: Fixture): Promise<{ seconds: number }> {
  const started = performance.now();
  const batch = usePglite ? 2000 : 5000;
  const signer = auditSigner();
  const keyId = signer.current.keyId;
  const t0 = Date.now() - ROWS * 1000; // one event a second, ending now
  for (let from = 1; from <= ROWS; from += batch) {
    const rows = [];
    for (let seq = from; seq < Math.min(from + batch, ROWS + 1); seq++) {
      const e = eventAt(seq, f, new Date(t0 + seq * 1000));
      const record: ChainedRecord = { ...e, seq, createdAt: e.createdAt.toISOString() };
      const message = rowMessage(record, keyId);
      const digest = sha256(message);
      rows.push({
        id: e.id,
        event_type: e.eventType,
        actor_user_id: e.actorUserId,
        actor_label: e.actorLabel,
        session_id: e.sessionId,
        request_meta: e.requestMeta,
        event_meta: e.eventMeta,
        entity_type: e.entityType,
        entity_id: e.entityId,
        outcome: e.outcome,
        created_at: record.createdAt,
        key_id: keyId,
        signature: signer.sign(message),
        digest,
        mac: signer.mac(digest),
      });
    }
    await handle.db.execute(
      sql`insert into audit_events (id, event_type, actor_user_id, actor_label, session_id, request_meta, event_meta, entity_type, entity_id, outcome, created_at, key_id, signature, digest, mac) select id, event_type, actor_user_id, actor_label, session_id, request_meta, event_meta, entity_type, entity_id, outcome, created_at, key_id, signature, digest, mac from json_populate_recordset(null::audit_events, ${JSON.stringify(rows)}::json)`,
    );
    if ((from - 1) % (batch * 20) === 0) process.stderr.write(`  filled ${from - 1 + rows.length} rows\r`);
  }
  for (;;) if (!(await linkPendingAuditEvents(handle.db))?.more) break;
  await handle.db.execute(sql`analyze audit_events`);
  await handle.db.execute(sql`analyze audit_chain`);
  process.stderr.write("\n");
  return { seconds: (performance.now() - started) / 1000 };
}

function percentile(sorted: number[], p: number): number {
  const i = (sorted.length - 1) * p;
  const lo = Math.floor(i);
  return sorted[lo]! + (sorted[Math.ceil(i)]! - sorted[lo]!) * (i - lo);
}

async function time(label: string, run: () => Promise<unknown>, repeat = REPEAT): Promise<void> {
  await run(); // warm up
  const samples: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t = performance.now();
    await run();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  out(
    `${label.padEnd(44)} p50 ${percentile(samples, 0.5).toFixed(1).padStart(8)} ms   p95 ${percentile(samples, 0.95).toFixed(1).padStart(8)} ms`,
  );
}

async function main(): Promise<void> {
  const baseUrl = process.env.TEST_DATABASE_URL;
  const dbName = uniqueDatabaseName("keel_bench");
  if (!usePglite) await runAdminStatement(baseUrl!, `create database ${quoteIdent(dbName)}`);
  const handle = await openDatabase(
    usePglite ? { driver: "pglite", dataDir: null } : { driver: "pg", url: urlForDatabase(baseUrl!, dbName) },
  );
  try {
    await migrateDatabase(handle);
    const { listHistory, entityTimeline } = await import("../server/history/queries");
    const { encodeCursor } = await import("../server/history/cursor");
    const { chainStatus, resetChainStatus } = await import("../server/history/chain-status");
    const { startAuditExport } = await import("../server/history/export");
    const { appendAuditEvent } = await import("../server/audit/append");
    const { viewConditions } = await import("../server/history/conditions");
    const { PgDialect } = await import("drizzle-orm/pg-core");

    const f = fixture();
    out(`Driver: ${usePglite ? "PGlite (in memory)" : "PostgreSQL"}; rows: ${ROWS.toLocaleString("en")}`);
    const filled = await fill(handle, f);
    out(
      `Fill: ${filled.seconds.toFixed(1)} s (${Math.round(ROWS / filled.seconds).toLocaleString("en")} rows/s, hashes computed in JS, inserted in json_populate_recordset batches)`,
    );

    const lead: HistoryViewer = { id: f.users[0]!.id, role: "lead" };
    const viewer: HistoryViewer = { id: f.users[1]!.id, role: "viewer" };
    const deepSeq = Math.floor(ROWS * 0.05);
    const cases: Array<[string, typeof lead, Parameters<typeof listHistory>[2]["filters"], number | null]> = [
      ["first page (lead, no filter)", lead, {}, null],
      ["first page (viewer: sign-ins of others hidden)", viewer, {}, null],
      [`deep page via cursor (seq < ${deepSeq})`, lead, {}, deepSeq],
      ["by actor", lead, { actor: f.users[42]!.email }, null],
      ["by actor, deep page", lead, { actor: f.users[42]!.email }, deepSeq],
      ["by event type (run.started)", lead, { eventType: "run.started" }, null],
      ["by event type prefix (secret.*)", lead, { eventType: "secret.*" }, null],
      ["by entity (one run)", lead, { entityType: "run", entityId: f.runs[777]! }, null],
      ["by outcome (failure)", lead, { outcome: "failure" }, null],
      [
        "time range (one hour, a week ago)",
        lead,
        {
          from: new Date(Date.now() - 7 * 86400_000).toISOString(),
          to: new Date(Date.now() - 7 * 86400_000 + 3600_000).toISOString(),
        },
        null,
      ],
      ["full-text: one word (failover)", lead, { q: "failover" }, null],
      ["full-text: two words (kafka vacuum)", lead, { q: "kafka vacuum" }, null],
      ["full-text: rare (timed out)", lead, { q: "timed out" }, null],
      ["full-text: an email", lead, { q: f.users[9]!.email }, null],
      ["full-text + actor (viewer)", viewer, { q: "rollback", actor: f.users[3]!.email }, null],
    ];
    out("\nViewer queries (50 rows a page):");
    for (const [label, who, filters, below] of cases) {
      const cursor = below ? encodeCursor(below, { kind: "history", filters }) : null;
      await time(label, () => listHistory(handle.db, who, { filters, cursor, limit: 50 }));
    }
    await time("entity timeline (one run)", () =>
      entityTimeline(handle.db, lead, { entityType: "run", entityId: f.runs[555]!, limit: 50 }),
    );

    out(
      "\nFull-text side by side: the stored search_document (now) vs the document computed per row behind an expression index (before):",
    );
    const { auditSearchExpression } = await import("../db/schema");
    const { toPrefixTsQuery } = await import("../server/history/conditions");
    await handle.db.execute(
      sql`create index audit_events_search_expression_bench on audit_events using gin (${auditSearchExpression})`,
    );
    await handle.db.execute(sql`analyze audit_events`);
    for (const [label, , filters] of cases.filter(([, , filters]) => filters.q)) {
      const query = toPrefixTsQuery(filters.q!);
      await time(`  now: ${label}`, () =>
        handle.db.execute(
          sql`select seq from audit_events where search_document @@ to_tsquery('simple'::regconfig, ${query}) order by seq desc limit 51`,
        ),
      );
      await time(`  before: ${label}`, () =>
        handle.db.execute(
          sql`select seq from audit_events where ${auditSearchExpression} @@ to_tsquery('simple'::regconfig, ${query}) order by seq desc limit 51`,
        ),
      );
    }
    await handle.db.execute(sql`drop index audit_events_search_expression_bench`);

    out("\nPlans (EXPLAIN, first node of each):");
    const dialect = new PgDialect();
    for (const [label, who, filters, below] of cases) {
      const where = viewConditions(who, filters, below);
      const query = dialect.sqlToQuery(
        sql`explain select seq from audit_events ${where ? sql`where ${where}` : sql``} order by seq desc limit 51`,
      );
      const rows = await queryRows<{ "QUERY PLAN": string }>(handle.db, sql.raw(inline(query.sql, query.params)));
      const plan = rows
        .map((r) => r["QUERY PLAN"])
        .filter((line) => /Scan|Index/.test(line))
        .map((l) => l.trim().replace(/\s+\(cost.*$/, ""));
      out(`  ${label}: ${plan.slice(0, 3).join(" / ")}`);
    }

    out("\nChain banner:");
    resetChainStatus(handle.db);
    let t = performance.now();
    const cold = await chainStatus(handle.db);
    out(
      `  first check (full walk of ${cold.count.toLocaleString("en")} rows): ${((performance.now() - t) / 1000).toFixed(2)} s, ok=${cold.ok}`,
    );
    await time("  cached answer", () => chainStatus(handle.db));
    const actor = { userId: f.users[0]!.id, label: f.users[0]!.email, sessionId: null, request: {} };
    let tick = Date.now();
    const incremental: number[] = [];
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 10; i++)
        await appendAuditEvent(handle.db, actor, {
          eventType: "step.confirmed",
          outcome: "success",
          entityType: "run",
          entityId: f.runs[1]!,
          meta: { note: "bench" },
        });
      tick += 20_000;
      const t0 = performance.now();
      const status = await chainStatus(handle.db, { now: () => tick, fullEveryMs: Number.MAX_SAFE_INTEGER });
      incremental.push(performance.now() - t0);
      if (!status.ok || status.mode !== "incremental")
        throw new Error("the incremental check did not run incrementally");
    }
    incremental.sort((a, b) => a - b);
    out(
      `${"  incremental (10 new rows since the last check)".padEnd(44)} p50 ${percentile(incremental, 0.5).toFixed(1).padStart(8)} ms   p95 ${percentile(incremental, 0.95).toFixed(1).padStart(8)} ms`,
    );

    out("\nExport (NDJSON, whole trail, as a lead):");
    for (const [label, filters] of [
      ["everything", {}],
      ["by event type step.failed", { eventType: "step.failed" }],
    ] as const) {
      const baseRss = process.memoryUsage().rss;
      let peakRss = baseRss;
      let peakHeap = process.memoryUsage().heapUsed;
      const sampler = setInterval(() => {
        const m = process.memoryUsage();
        peakRss = Math.max(peakRss, m.rss);
        peakHeap = Math.max(peakHeap, m.heapUsed);
      }, 50);
      t = performance.now();
      const stream = await startAuditExport(handle.db, actor, lead, filters, "ndjson");
      let bytes = 0;
      let lines = 0;
      const reader = stream.getReader();
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) break;
        bytes += chunk.value.byteLength;
        for (const b of chunk.value) if (b === 10) lines++;
      }
      clearInterval(sampler);
      const seconds = (performance.now() - t) / 1000;
      out(
        `  ${label}: ${lines.toLocaleString("en")} rows, ${(bytes / 1e6).toFixed(0)} MB in ${seconds.toFixed(1)} s = ${Math.round(lines / seconds).toLocaleString("en")} rows/s; peak RSS ${(peakRss / 1e6).toFixed(0)} MB (start ${(baseRss / 1e6).toFixed(0)} MB), peak heap ${(peakHeap / 1e6).toFixed(0)} MB`,
      );
    }
  } finally {
    await handle.close();
    if (!usePglite) await runAdminStatement(baseUrl!, `drop database if exists ${quoteIdent(dbName)} with (force)`);
  }
}

/** EXPLAIN cannot take bind parameters through every driver: inline them as literals. */
function inline(text: string, params: unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const value = params[Number(n) - 1];
    if (typeof value === "number") return String(value);
    if (value instanceof Date) return `'${value.toISOString()}'`;
    return `'${String(value).replaceAll("'", "''")}'`;
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

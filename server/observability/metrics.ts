import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

const GLOBAL_KEY = Symbol.for("keel.metrics");
type GlobalWithMetrics = typeof globalThis & { [GLOBAL_KEY]?: KeelMetrics };

export type KeelMetrics = ReturnType<typeof createMetrics>;

/** Seconds: from a fast query to a long restore. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];

function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "keel_" });
  return {
    registry,
    httpRequests: new Counter({
      name: "keel_http_requests_total",
      help: "HTTP requests answered, by route, method and status.",
      labelNames: ["route", "method", "status"] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: "keel_http_request_duration_seconds",
      help: "Time to answer an HTTP request.",
      labelNames: ["route", "method"] as const,
      buckets: DURATION_BUCKETS,
      registers: [registry],
    }),
    auditAppend: new Histogram({
      name: "keel_audit_append_duration_seconds",
      help: "Time to append one row to the audit chain (inside its transaction).",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    stepJobs: new Counter({
      name: "keel_step_jobs_total",
      help: "Automated step jobs (execute, check, compensate) this process finished, by outcome.",
      labelNames: ["phase", "outcome"] as const,
      registers: [registry],
    }),
    stepDuration: new Histogram({
      name: "keel_step_job_duration_seconds",
      help: "How long automated step jobs ran.",
      labelNames: ["phase"] as const,
      buckets: DURATION_BUCKETS,
      registers: [registry],
    }),
    runs: new Gauge({
      name: "keel_runs",
      help: "Runs in the database, by status (all instances).",
      labelNames: ["status"] as const,
      registers: [registry],
    }),
    steps: new Gauge({
      name: "keel_run_steps",
      help: "Run steps in the database, by kind and status (all instances).",
      labelNames: ["kind", "status"] as const,
      registers: [registry],
    }),
    rateLimitTrips: new Counter({
      name: "keel_rate_limiter_trips_total",
      help: "Times a rate limit was first exceeded in its window, by limit.",
      labelNames: ["limit"] as const,
      registers: [registry],
    }),
    retentionDeleted: new Counter({
      name: "keel_retention_deleted_rows_total",
      help: "Rows of operational data the retention sweep deleted, by kind.",
      labelNames: ["kind"] as const,
      registers: [registry],
    }),
    retentionSweeps: new Counter({
      name: "keel_retention_sweeps_total",
      help: "Retention sweeps this process ran, by outcome.",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: "keel_job_queue_depth",
      help: "Step jobs waiting or running in the job queue.",
      registers: [registry],
    }),
    selfBackupLastSuccess: new Gauge({
      name: "keel_self_backup_last_success_timestamp_seconds",
      help: "When the newest backup of Keel's own database was completed (Unix seconds; 0: none seen yet).",
      registers: [registry],
    }),
    selfBackupFailures: new Counter({
      name: "keel_self_backup_failures_total",
      help: "Backups of Keel's own database this process attempted that failed.",
      registers: [registry],
    }),
  };
}

/**
 * The process's metrics. On globalThis: the custom server (HTTP requests) and Next.js's bundle
 * (the metrics route, procedures) load separate copies of this module but must count into one
 * registry.
 */
export function metrics(): KeelMetrics {
  const scope = globalThis as GlobalWithMetrics;
  scope[GLOBAL_KEY] ??= createMetrics();
  return scope[GLOBAL_KEY];
}

export function recordHttpRequest(method: string, route: string, status: number, seconds: number): void {
  const m = metrics();
  m.httpRequests.inc({ route, method, status: String(status) });
  m.httpDuration.observe({ route, method }, seconds);
}

export function recordStepJob(phase: string, ok: boolean, seconds: number): void {
  const m = metrics();
  m.stepJobs.inc({ phase, outcome: ok ? "succeeded" : "failed" });
  m.stepDuration.observe({ phase }, seconds);
}

import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { createTestEngine, installRunbook, type TestEngine } from "@/test/support/engine";
import { callerAs, createTestUser } from "@/test/support/users";
import { recordHttpRequest } from "./metrics";
import { renderMetrics } from "./render-metrics";

let handle: TestDatabase;
let engine: TestEngine;

beforeAll(async () => {
  handle = await createTestDatabase();
  engine = await createTestEngine(handle.db);
  await installRunbook(handle.db, {
    id: "metrics-sample",
    title: "Metrics sample",
    summary: "One action.",
    risk: "low",
    steps: [{ id: "apply", kind: "action", title: "Apply", action: "test.record-effect", input: { label: "metrics" } }],
  });
});

afterAll(async () => {
  await handle.drop();
});

/** The value of one sample line, e.g. sample(text, 'keel_runs{status="succeeded"}'). */
function sample(text: string, series: string): number | null {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : null;
}

describe(`metrics (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("reports run and step outcomes, step durations, audit append latency, queue depth and HTTP requests", async () => {
    const responder = await callerAs(handle.db, (await createTestUser(handle.db, { role: "responder" })).user, engine);
    const before = await renderMetrics({ db: handle.db, queue: null });
    const executedBefore = sample(before.body, 'keel_step_jobs_total{phase="execute",outcome="succeeded"}') ?? 0;

    const { runId } = await responder.runs.start({ runbookId: "metrics-sample", inputs: {}, requestKey: randomUUID() });
    await engine.drain();
    await responder.runs.execute({ runId, stepId: "apply" });
    await engine.drain();
    recordHttpRequest("GET", "/runs/:id", 200, 0.012);

    const { contentType, body } = await renderMetrics({ db: handle.db, queue: { depth: async () => 3 } });
    expect(contentType).toMatch(/^text\/plain/);
    expect(sample(body, 'keel_runs{status="succeeded"}')).toBe(1);
    expect(sample(body, 'keel_run_steps{kind="action",status="succeeded"}')).toBe(1);
    expect(sample(body, 'keel_step_jobs_total{phase="execute",outcome="succeeded"}')).toBe(executedBefore + 1);
    expect(sample(body, 'keel_step_job_duration_seconds_count{phase="execute"}')).toBeGreaterThanOrEqual(1);
    expect(sample(body, "keel_audit_append_duration_seconds_count")).toBeGreaterThan(3);
    expect(sample(body, "keel_job_queue_depth")).toBe(3);
    expect(
      sample(body, 'keel_http_requests_total{route="/runs/:id",method="GET",status="200"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(body).toContain("keel_process_resident_memory_bytes");
  });
});

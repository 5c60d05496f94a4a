import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runbookVersions, runs, runSteps, type User } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { installRunbook } from "@/test/support/engine";
import { errorOf } from "@/test/support/errors";
import { callerAs, createTestUser } from "@/test/support/users";
import { toErrorEnvelope } from "../http/error-response";

let handle: TestDatabase;
let user: User;
const NOW = new Date(Date.now() - 60_000);
const hour = 3_600_000;

const book = {
  id: "telemetry-book",
  title: "Telemetry book",
  summary: "Two steps.",
  risk: "low",
  steps: [
    { id: "prepare", kind: "manual", title: "Prepare", instructions: "Do it." },
    { id: "apply", kind: "check", title: "Apply", check: "test.flag", input: { pass: true } },
  ],
};

/** A run `daysAgo` days before NOW with its two steps; durations in seconds. */
async function run(
  daysAgo: number,
  status: "succeeded" | "failed" | "cancelled" | "running",
  runSeconds: number,
  stepSeconds: [number, number],
  error: string | null = null,
) {
  const [version] = await handle.db.select().from(runbookVersions).where(eq(runbookVersions.runbookId, book.id));
  const created = new Date(NOW.getTime() - daysAgo * 24 * hour);
  const ended =
    status === "succeeded" || status === "cancelled" ? new Date(created.getTime() + runSeconds * 1000) : null;
  const [row] = await handle.db
    .insert(runs)
    .values({
      runbookId: book.id,
      runbookVersionId: version!.id,
      status,
      inputs: {},
      inputsHash: "x",
      startedBy: user.id,
      requestKey: randomUUID(),
      createdAt: created,
      endedAt: ended,
    })
    .returning();
  const firstEnd = new Date(created.getTime() + stepSeconds[0] * 1000);
  await handle.db.insert(runSteps).values([
    { runId: row!.id, stepId: "prepare", position: 0, kind: "manual", status: "succeeded", endedAt: firstEnd },
    {
      runId: row!.id,
      stepId: "apply",
      position: 1,
      kind: "check",
      status: status === "failed" ? "failed" : status === "running" ? "running" : "succeeded",
      attempt: error ? 2 : 1,
      startedAt: firstEnd,
      endedAt: status === "running" ? null : new Date(firstEnd.getTime() + stepSeconds[1] * 1000),
      error,
    },
  ]);
}

beforeAll(async () => {
  handle = await createTestDatabase();
  user = (await createTestUser(handle.db, { role: "viewer" })).user;
  await installRunbook(handle.db, book);
  await run(1, "succeeded", 100, [10, 20]);
  await run(1, "succeeded", 200, [20, 40]);
  await run(2, "succeeded", 300, [30, 60]);
  await run(2, "failed", 0, [5, 7], "Connection refused by 10.0.4.12:5432 (run 5b0c3c2e-8a0e-4c41-9d55-7b9a1f0a2c11)");
  await run(3, "failed", 0, [5, 7], "connection refused by 10.0.9.1:6543 (run 11111111-8a0e-4c41-9d55-7b9a1f0a2c11)");
  await run(3, "failed", 0, [5, 7], 'HTTP 503 from "https://deploy.example.com"');
  await run(4, "cancelled", 50, [5, 7]);
  await run(0, "running", 0, [5, 7]);
  await run(45, "succeeded", 9999, [5, 7]); // outside a 30-day range
});
afterAll(() => handle.drop());

describe("telemetry", () => {
  it("per runbook: counts, success rate, p50 and p95 of successful runs", async () => {
    const caller = await callerAs(handle.db, user);
    const overview = await caller.telemetry.overview({ days: 30 });
    const [summary] = overview.runbooks;
    expect(summary).toMatchObject({ runbookId: book.id, runs: 8, succeeded: 3, failing: 3, cancelled: 1, active: 1 });
    expect(summary!.successRate).toBeCloseTo(3 / 7);
    expect(summary!.p50Seconds).toBeCloseTo(200);
    expect(summary!.p95Seconds).toBeCloseTo(290); // percentile_cont: 200 + 0.9 × 100
    expect((await caller.telemetry.overview({ days: 90 })).runbooks[0]!.runs).toBe(9);
  });

  it("per step: reached, success, retries, durations from when the step became current", async () => {
    const caller = await callerAs(handle.db, user);
    const detail = await caller.telemetry.runbook({ runbookId: book.id, days: 30 });
    const [prepare, apply] = detail.steps;
    expect(prepare).toMatchObject({ stepId: "prepare", reached: 8, succeeded: 8, failing: 0 });
    expect(prepare!.p50Seconds).toBeCloseTo(5);
    expect(apply).toMatchObject({ stepId: "apply", reached: 8, succeeded: 4, failing: 3, retries: 3 });
    expect(apply!.successRate).toBeCloseTo(4 / 7);
    expect(apply!.p50Seconds).toBeCloseTo(30); // 7 (cancelled run's step), 20, 40, 60 → 30
  });

  it("failure buckets group errors that differ only in ids, addresses and numbers", async () => {
    const detail = await (await callerAs(handle.db, user)).telemetry.runbook({ runbookId: book.id, days: 30 });
    expect(detail.failures.map((f) => [f.reason, f.count, f.steps])).toEqual([
      ["connection refused by N (run <id>)", 2, ["apply"]],
      ['http N from "…"', 1, ["apply"]],
    ]);
  });

  it("each failure bucket reads as its most recent message, as written, with how many messages it groups", async () => {
    const detail = await (await callerAs(handle.db, user)).telemetry.runbook({ runbookId: book.id, days: 30 });
    expect(detail.failures.map((f) => [f.example, f.variants])).toEqual([
      ["connection refused by 10.0.9.1:6543 (run 11111111-8a0e-4c41-9d55-7b9a1f0a2c11)", 2],
      ['HTTP 503 from "https://deploy.example.com"', 1],
    ]);
  });

  it("trend: one entry per day, days without runs included", async () => {
    const overview = await (await callerAs(handle.db, user)).telemetry.overview({ days: 7 });
    expect(overview.trend).toHaveLength(7);
    const days = overview.trend.filter((d) => d.runs > 0);
    expect(days.map((d) => d.runs).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    for (const d of overview.trend) expect(d.succeeded + d.failing + d.cancelled + d.active).toBe(d.runs);
  });

  it("refuses an unknown runbook and an unsupported range, naming the field", async () => {
    const caller = await callerAs(handle.db, user);
    expect(
      toErrorEnvelope(await errorOf(caller.telemetry.runbook({ runbookId: "nope", days: 30 })), "t").body.error.details
        ?.fields,
    ).toEqual({ runbookId: "No runbook has this id." });
    expect(
      toErrorEnvelope(await errorOf(caller.telemetry.overview({ days: 12 })), "t").body.error.details?.fields,
    ).toEqual({ days: "Choose a range of 7, 30 or 90 days" });
  });
});

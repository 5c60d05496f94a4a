import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client";
import { runbooks, runbookVersions } from "../../db/schema";
import { runbookDefinition, type RunbookDefinition } from "../../lib/runbooks/definition";
import type { ActionDefinition, CheckDefinition } from "../../server/engine/actions/types";
import { createBuiltinRegistry } from "../../server/engine/builtins";
import type { EngineDeps } from "../../server/engine/dispatch";
import type { JobQueue, StepJob } from "../../server/engine/jobs/step-job";
import { LocalStepLeases } from "../../server/engine/leases/local-step-leases";
import type { StepLeases } from "../../server/engine/leases/step-leases";
import { runStepJob } from "../../server/engine/worker";
import { highRiskCommand } from "../../server/runs/high-risk";

/**
 * Jobs wait here until the test runs them, so every interleaving is deliberate. A job queued in a
 * transaction is kept even if that transaction rolls back; the engine then ignores it as stale.
 */
export class ManualQueue implements JobQueue {
  readonly jobs: StepJob[] = [];
  async enqueue(job: StepJob): Promise<void> {
    this.jobs.push(job);
  }
  wake(): void {}
}

export type TestEngine = EngineDeps & {
  queue: ManualQueue;
  clock: { now: number };
  drain(signal?: AbortSignal): Promise<number>;
};

/** Gates that let a test hold an action mid-execution (to crash it, or to race it). */
export const gates = new Map<string, { reached: () => void; release: Promise<void> }>();

const effectInput = z.strictObject({
  label: z.string(),
  fail: z.boolean().default(false),
  gate: z.string().nullish(),
  secret: z.string().nullish(),
});

/** Records its effect once per idempotency key in test_effects, and every call in test_effect_calls. */
export const recordEffectAction: ActionDefinition<z.infer<typeof effectInput>> = {
  name: "test.record-effect",
  title: "Record an effect",
  description: "Test action with an observable, idempotent effect.",
  input: effectInput,
  async plan({ label }) {
    return {
      summary: `Record effect ${label}`,
      changes: [{ target: "test_effects", description: `one row labelled ${label}` }],
    };
  },
  async execute({ label, fail, gate, secret }, context) {
    await context.db.execute(
      sql`insert into test_effect_calls (key, label) values (${context.idempotencyKey}, ${label})`,
    );
    await context.db.execute(
      sql`insert into test_effects (key, label) values (${context.idempotencyKey}, ${label}) on conflict (key) do nothing`,
    );
    context.log(`recorded ${label}${secret ? ` with ${secret}` : ""}`);
    if (gate) {
      const g = gates.get(gate);
      g?.reached();
      await Promise.race([
        g?.release,
        new Promise((_, reject) =>
          context.signal.addEventListener("abort", () => reject(new Error("stopped")), { once: true }),
        ),
      ]);
    }
    if (fail) throw new Error(`failed on purpose${secret ? ` (${secret})` : ""}`);
    return { summary: `Recorded ${label}`, output: { label } };
  },
};

/** Says "REACHED", then keeps the worker's thread busy for `ms` (a CPU-bound step: no timer or I/O of the process runs meanwhile), then succeeds. */
export const blockEventLoopAction: ActionDefinition<{ ms: number }> = {
  name: "test.block-event-loop",
  title: "Block the event loop",
  description: "Test action that keeps the worker's thread busy.",
  input: z.strictObject({ ms: z.number().int().positive() }),
  async plan({ ms }) {
    return { summary: `Spin for ${ms} ms`, changes: [] };
  },
  async execute({ ms }) {
    process.stdout.write("REACHED\n");
    const until = Date.now() + ms;
    let spins = 0;
    while (Date.now() < until) spins++;
    return { summary: `Spun ${spins} times`, output: { ms } };
  },
};

const undoInput = z.strictObject({ label: z.string() });

export const undoEffectAction: ActionDefinition<z.infer<typeof undoInput>> = {
  name: "test.undo-effect",
  title: "Undo an effect",
  description: "Test compensation.",
  input: undoInput,
  async plan({ label }) {
    return { summary: `Undo ${label}`, changes: [] };
  },
  async execute({ label }, context) {
    await context.db.execute(
      sql`insert into test_undone (key, label) values (${context.idempotencyKey}, ${label}) on conflict (key) do nothing`,
    );
    return { summary: `Undid ${label}` };
  },
};

export const flagCheck: CheckDefinition<{ pass: boolean }> = {
  name: "test.flag",
  title: "Flag",
  description: "Test check that passes when told to.",
  input: z.strictObject({ pass: z.boolean() }),
  async run({ pass }) {
    return { passed: pass, summary: pass ? "flag is up" : "flag is down" };
  },
};

/** `leases`: the step leases of this engine's process; by default its own, in memory (a fresh engine is a restarted process). */
export async function createTestEngine(db: Database, leases: StepLeases = new LocalStepLeases()): Promise<TestEngine> {
  await db.execute(sql`create table if not exists test_effects (key text primary key, label text not null)`);
  await db.execute(
    sql`create table if not exists test_effect_calls (id serial primary key, key text not null, label text not null)`,
  );
  await db.execute(sql`create table if not exists test_undone (key text primary key, label text not null)`);
  const registry = createBuiltinRegistry()
    .registerAction(recordEffectAction)
    .registerAction(undoEffectAction)
    .registerAction(blockEventLoopAction)
    .registerCheck(flagCheck);
  const queue = new ManualQueue();
  const clock = { now: Date.now() };
  const engine: TestEngine = {
    db,
    registry,
    queue,
    leases,
    clock,
    now: () => clock.now,
    highRisk: highRiskCommand,
    async drain(signal) {
      let ran = 0;
      while (queue.jobs.length > 0) {
        const job = queue.jobs.shift()!;
        await runStepJob(engine, job, signal);
        ran++;
      }
      return ran;
    },
  };
  return engine;
}

/** Puts a runbook (as written in a file) into the database as its next version. */
export async function installRunbook(db: Database, source: unknown): Promise<RunbookDefinition> {
  const definition = runbookDefinition.parse(source);
  await db
    .insert(runbooks)
    .values({
      id: definition.id,
      title: definition.title,
      summary: definition.summary,
      risk: definition.risk,
      services: definition.services,
      tags: definition.tags,
      filePath: `test/${definition.id}.yaml`,
    })
    .onConflictDoNothing();
  const existing = await db
    .select()
    .from(runbookVersions)
    .where(sql`${runbookVersions.runbookId} = ${definition.id}`);
  const [version] = await db
    .insert(runbookVersions)
    .values({
      runbookId: definition.id,
      number: existing.length + 1,
      hash: `test-${existing.length + 1}-${Math.random()}`,
      content: JSON.stringify(source),
      definition,
    })
    .returning();
  await db
    .update(runbooks)
    .set({ currentVersionId: version!.id })
    .where(sql`${runbooks.id} = ${definition.id}`);
  return definition;
}

export async function countRows(
  db: Database,
  table: "test_effects" | "test_effect_calls" | "test_undone",
  label?: string,
): Promise<number> {
  const result = (await db.execute(
    label === undefined
      ? sql`select count(*)::int as n from ${sql.raw(table)}`
      : sql`select count(*)::int as n from ${sql.raw(table)} where label = ${label}`,
  )) as unknown as { rows: { n: number }[] };
  return result.rows[0]!.n;
}

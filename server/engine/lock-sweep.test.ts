import { randomUUID } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { runLocks, runs } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { createTestEngine, installRunbook, type TestEngine } from "@/test/support/engine";
import { callerAs, createTestUser } from "@/test/support/users";
import type { Actor } from "../audit/actor";
import { verifyAuditChain } from "../audit/verify";
import { dispatch } from "./dispatch";
import { sweepRunLocks } from "./lock-sweep";

let handle: TestDatabase;
let engine: TestEngine;
let lead: Actor;

const lockedNote = {
  id: "locked-note",
  title: "Locked note",
  summary: "Holds a resource lock until someone ends it.",
  risk: "low",
  inputs: [{ name: "label", label: "Label", type: "string" }],
  locks: [{ key: "resource:{{inputs.label}}", onBusy: "wait" }],
  steps: [{ id: "note", kind: "manual", title: "Note", instructions: "Write it down." }],
};

beforeAll(async () => {
  handle = await createTestDatabase();
  engine = await createTestEngine(handle.db);
  await installRunbook(handle.db, lockedNote);
  const { user } = await createTestUser(handle.db, { role: "lead" });
  lead = { userId: user.id, label: user.email, sessionId: null, request: {} };
});

afterAll(async () => {
  expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });
  await handle.drop();
});

async function responder() {
  return callerAs(handle.db, (await createTestUser(handle.db, { role: "responder" })).user, engine);
}

async function startRuns(label: string, count: number): Promise<string[]> {
  const caller = await responder();
  const ids: string[] = [];
  for (let i = 0; i < count; i++)
    ids.push(
      (await caller.runs.start({ runbookId: "locked-note", inputs: { label }, requestKey: randomUUID() })).runId,
    );
  return ids;
}

async function statusOf(runId: string): Promise<string> {
  const [row] = await handle.db.select({ status: runs.status }).from(runs).where(eq(runs.id, runId));
  return row!.status;
}

async function lockHolder(key: string): Promise<string | null> {
  const [row] = await handle.db.select({ runId: runLocks.runId }).from(runLocks).where(eq(runLocks.key, key));
  return row?.runId ?? null;
}

/** A lead aborts the run (it ends at once: its one step is manual); `deps` may be a dying process's. */
async function abort(runId: string, deps: TestEngine = engine): Promise<void> {
  await dispatch(deps, {
    runId,
    command: { type: "abort", actor: { userId: lead.userId!, role: "lead" }, reason: "done" },
    actor: lead,
  });
}

/** A database whose every query outside a transaction fails: the process died right after its commit. */
function diesAfterCommit(db: Database): Database {
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property === "transaction") return target.transaction.bind(target);
      if (["select", "insert", "update", "delete", "execute"].includes(String(property))) {
        return () => {
          throw new Error("the process died");
        };
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

describe(`lock sweep (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("an ending run gives its lock back in the transaction that ends it, even when its process dies right after the commit", async () => {
    const [holder, waiter] = await startRuns("commit", 2);
    expect(await statusOf(waiter!)).toBe("queued");

    await abort(holder!, { ...engine, db: diesAfterCommit(handle.db) });

    expect(await statusOf(holder!)).toBe("cancelled");
    expect(await lockHolder("resource:commit")).toBeNull();
    expect(await statusOf(waiter!)).toBe("queued"); // nobody woke it: the sweeper will
    expect(await sweepRunLocks(engine)).toEqual({ released: 0, woken: 1 });
    expect(await statusOf(waiter!)).toBe("waiting_operator");
    expect(await lockHolder("resource:commit")).toBe(waiter);
  });

  it("wakes queued runs whose waker died, oldest first, and a newer run queues behind them instead of taking the free lock", async () => {
    const [holder, second, third] = await startRuns("order", 3);
    expect([await statusOf(second!), await statusOf(third!)]).toEqual(["queued", "queued"]);
    await abort(holder!, { ...engine, db: diesAfterCommit(handle.db) });
    expect(await lockHolder("resource:order")).toBeNull();

    // The lock is free, but two older runs wait for it.
    const [fourth] = await startRuns("order", 1);
    expect(await statusOf(fourth!)).toBe("queued");
    expect(await lockHolder("resource:order")).toBeNull();

    expect(await sweepRunLocks(engine)).toEqual({ released: 0, woken: 1 });
    expect(await lockHolder("resource:order")).toBe(second);
    expect(await sweepRunLocks(engine)).toEqual({ released: 0, woken: 0 });

    await abort(second!); // ends normally: its own process wakes the next one
    expect(await lockHolder("resource:order")).toBe(third);
    expect(await statusOf(fourth!)).toBe("queued");
    await abort(third!);
    expect(await lockHolder("resource:order")).toBe(fourth);
    await abort(fourth!);
  });

  it("releases a lock still held by an ended run and starts the run queued behind it", async () => {
    const [holder, waiter] = await startRuns("stale", 2);
    // What a process that died between a run's end and its lock release used to leave.
    await handle.db.update(runs).set({ status: "succeeded" }).where(eq(runs.id, holder!));
    expect(await lockHolder("resource:stale")).toBe(holder);

    expect(await sweepRunLocks(engine)).toEqual({ released: 1, woken: 1 });
    expect(await lockHolder("resource:stale")).toBe(waiter);
    expect(await statusOf(waiter!)).toBe("waiting_operator");
  });

  it("a run waiting for two locks holds neither while one is busy; a younger run wanting the free one waits behind it; other keys are not held up", async () => {
    // Run A holds x; B waits for x and y; C waits for y only. B goes first for y: C waits too (no jumping).
    const caller = await responder();
    await installRunbook(handle.db, {
      ...lockedNote,
      id: "two-locks",
      locks: [
        { key: "resource:{{inputs.label}}", onBusy: "wait" },
        { key: "resource:y", onBusy: "wait" },
      ],
    });
    const [a] = await startRuns("x", 1);
    const b = (await caller.runs.start({ runbookId: "two-locks", inputs: { label: "x" }, requestKey: randomUUID() }))
      .runId;
    const [c] = await startRuns("y", 1);
    const [d] = await startRuns("z", 1);
    expect([await statusOf(b), await statusOf(c!), await statusOf(d!)]).toEqual([
      "queued",
      "queued",
      "waiting_operator",
    ]);
    expect(await sweepRunLocks(engine)).toEqual({ released: 0, woken: 0 });
    expect(await lockHolder("resource:y")).toBeNull();

    await abort(a!);
    expect(await statusOf(b)).toBe("waiting_operator");
    expect([await lockHolder("resource:x"), await lockHolder("resource:y")]).toEqual([b, b]);
    await abort(b);
    expect(await lockHolder("resource:y")).toBe(c);
    await abort(c!);
    await abort(d!);
    expect(
      await handle.db
        .select()
        .from(runLocks)
        .where(inArray(runLocks.key, ["resource:x", "resource:y", "resource:z"])),
    ).toEqual([]);
  });

  it("a runbook that refuses when busy is refused while older runs wait for the free lock", async () => {
    await installRunbook(handle.db, {
      ...lockedNote,
      id: "refusing-note",
      locks: [{ key: "resource:{{inputs.label}}", onBusy: "refuse" }],
    });
    const [holder, waiter] = await startRuns("refuse", 2);
    await abort(holder!, { ...engine, db: diesAfterCommit(handle.db) });
    const caller = await responder();
    const refused = await caller.runs
      .start({ runbookId: "refusing-note", inputs: { label: "refuse" }, requestKey: randomUUID() })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "CONFLICT" });
    expect((refused as Error).message).toContain("resource:refuse is about to be taken by queued run");
    expect(await sweepRunLocks(engine)).toEqual({ released: 0, woken: 1 });
    expect(await lockHolder("resource:refuse")).toBe(waiter);
  });
});

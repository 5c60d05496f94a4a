import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "@/db/client";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { withAdvisoryLock } from "./advisory-lock";

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Runs one lock holder per handle at once and records the most that were inside together. */
async function mostInsideAtOnce(handles: DatabaseHandle[], name: string): Promise<{ most: number; order: number[] }> {
  let inside = 0;
  let most = 0;
  const order: number[] = [];
  await Promise.all(
    handles.map((handle, i) =>
      withAdvisoryLock(handle, name, async () => {
        inside++;
        most = Math.max(most, inside);
        // Several round trips while holding it, so an unguarded holder would overlap.
        for (let n = 0; n < 5; n++) await handle.db.execute(sql`select pg_sleep(0.01)`);
        order.push(i);
        inside--;
      }),
    ),
  );
  return { most, order };
}

describe(`withAdvisoryLock (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("lets one holder in at a time, across connections (PostgreSQL) or callers (PGlite), and frees the lock after a failure", async () => {
    const test: TestDatabase = await createTestDatabase();
    cleanups.push(() => test.drop());
    const handles: DatabaseHandle[] = [test];
    if (test.target.driver === "pg") {
      for (let i = 0; i < 3; i++) {
        const other = await openDatabase(test.target);
        cleanups.push(() => other.close());
        handles.push(other);
      }
    } else {
      handles.push(test, test, test);
    }
    expect((await mostInsideAtOnce(handles, "keel-test-lock")).most).toBe(1);

    await expect(withAdvisoryLock(test, "keel-test-lock", () => Promise.reject(new Error("inside")))).rejects.toThrow(
      "inside",
    );
    // Still takeable, from every holder.
    const again = await mostInsideAtOnce(handles, "keel-test-lock");
    expect(again.order).toHaveLength(handles.length);
  });
});

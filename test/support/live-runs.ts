import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { Database, Queryable } from "../../db/client";
import { runbooks, runbookVersions, runs } from "../../db/schema";
import { runbookDefinition } from "../../lib/runbooks/definition";
import { createTestUser } from "./users";

/**
 * A bare run row (one manual step, no engine behind it) for tests of what reads runs, such as
 * the live stream. Returns its id; its version starts at 1.
 */
export async function insertBareRun(db: Database): Promise<string> {
  const { user } = await createTestUser(db, { role: "responder" });
  const runbookId = `live-${randomBytes(4).toString("hex")}`;
  const definition = runbookDefinition.parse({
    id: runbookId,
    title: "Live test",
    summary: "A runbook for live update tests.",
    risk: "low",
    steps: [{ id: "confirm", kind: "manual", title: "Confirm", instructions: "Confirm it." }],
  });
  await db.insert(runbooks).values({
    id: runbookId,
    title: definition.title,
    summary: definition.summary,
    risk: "low",
    filePath: `${runbookId}.yaml`,
  });
  const [version] = await db
    .insert(runbookVersions)
    .values({ runbookId, number: 1, hash: randomBytes(32).toString("hex"), content: "", definition })
    .returning({ id: runbookVersions.id });
  const [run] = await db
    .insert(runs)
    .values({
      runbookId,
      runbookVersionId: version!.id,
      status: "running",
      inputs: {},
      inputsHash: "none",
      startedBy: user.id,
      requestKey: randomBytes(8).toString("hex"),
    })
    .returning({ id: runs.id });
  return run!.id;
}

/** Bumps the run's version as the engine does on a change, and returns the new version. */
export async function bumpRunVersion(db: Queryable, runId: string): Promise<number> {
  const [row] = await db
    .update(runs)
    .set({ version: sql`${runs.version} + 1`, updatedAt: new Date() })
    .where(eq(runs.id, runId))
    .returning({ version: runs.version });
  return row!.version;
}

import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { systemActor } from "../audit/actor";
import type { StepContext } from "../engine/actions/types";
import { idempotencyKeyOf } from "../engine/jobs/step-job";
import { sweepRetention } from "../retention/sweep";
import { saveTarget } from "../targets/commands";
import { backupFileName, listBackups, partialPathFor } from "./backup-files";
import { markerOf } from "./open-backend";
import { STALE_PARTIAL_MS } from "./partial-files";
import { backupCreateAction } from "./steps";

let handle: TestDatabase;
let root: string;
let backupDir: string;

const NOTHING_ELSE = {
  stepOutputMs: null,
  sessionsMs: null,
  sessionIdleTimeoutMs: 0,
  rateLimitsMs: null,
  jobsMs: null,
  batchSize: 1000,
};

beforeAll(async () => {
  handle = await createTestDatabase();
  root = mkdtempSync(path.join(os.tmpdir(), "keel-partials-"));
  backupDir = path.join(root, "backups");
  const dataDir = path.join(root, "shop-db");
  mkdirSync(dataDir, { recursive: true });
  const shop = new PGlite(dataDir);
  await shop.exec(
    "create table orders (id serial primary key, total int not null); insert into orders (total) values (1), (2), (3);",
  );
  await shop.close();
  await saveTarget(
    handle.db,
    systemActor(),
    { kind: "database", name: "shop", config: { driver: "embedded", dataDir, backupDirectory: backupDir } },
    "admin",
  );
});

afterAll(async () => {
  await handle.drop();
  rmSync(root, { recursive: true, force: true });
});

function contextFor(runId: string, attempt: number, lines: string[]): StepContext {
  return {
    db: handle.db,
    runId,
    stepId: "backup",
    attempt,
    idempotencyKey: idempotencyKeyOf({ runId, stepId: "backup", attempt, phase: "execute" }),
    resumed: false,
    log: (line) => lines.push(line),
    registerSecret: () => undefined,
    progress: () => undefined,
    signal: new AbortController().signal,
  };
}

/** What a dump killed mid-way leaves: its temporary file, as large as the dump had grown. */
function leftoverOf(
  directory: string,
  runId: string,
  attempt: number,
  at: Date,
  format: "sql" | "custom" = "sql",
): string {
  mkdirSync(directory, { recursive: true });
  const marker = markerOf(idempotencyKeyOf({ runId, stepId: "backup", attempt, phase: "execute" }));
  const file = partialPathFor(directory, backupFileName("shop", at, marker, format));
  writeFileSync(file, Buffer.alloc(256 * 1024, 1));
  return file;
}

function age(file: string, ms: number): void {
  const when = new Date(Date.now() - ms);
  utimesSync(file, when, when);
}

describe(`unfinished backup files (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("the retry of a backup step removes what its killed attempts left, and only theirs", async () => {
    const runId = randomUUID();
    const first = leftoverOf(backupDir, runId, 1, new Date(Date.now() - 120_000));
    const second = leftoverOf(backupDir, runId, 2, new Date(Date.now() - 60_000), "custom");
    const otherRun = leftoverOf(backupDir, randomUUID(), 1, new Date()); // a dump of another run, maybe running now

    const lines: string[] = [];
    const result = await backupCreateAction.execute(
      { database: "shop", reason: "before restore" },
      contextFor(runId, 3, lines),
    );

    expect(existsSync(first)).toBe(false);
    expect(existsSync(second)).toBe(false);
    expect(existsSync(otherRun)).toBe(true);
    expect(listBackups(backupDir).map((b) => b.name)).toEqual([result.output!.file]);
    expect(lines.some((line) => line.includes("Removed 2 unfinished dump file(s)"))).toBe(true);
    rmSync(otherRun);
  });

  it("the retention sweep removes unfinished files untouched for an hour from every database target's directory, and nothing else", async () => {
    const otherDir = path.join(root, "other-backups");
    await saveTarget(
      handle.db,
      systemActor(),
      {
        kind: "database",
        name: "other",
        config: { driver: "embedded", dataDir: path.join(root, "other-db"), backupDirectory: otherDir },
      },
      "admin",
    );
    const stale = leftoverOf(backupDir, randomUUID(), 1, new Date(Date.now() - 3 * STALE_PARTIAL_MS));
    const staleElsewhere = leftoverOf(otherDir, randomUUID(), 1, new Date(Date.now() - 3 * STALE_PARTIAL_MS));
    const live = leftoverOf(backupDir, randomUUID(), 1, new Date()); // a dump writing right now
    age(stale, 2 * STALE_PARTIAL_MS);
    age(staleElsewhere, 2 * STALE_PARTIAL_MS);
    age(live, 60_000);
    const unrelated = path.join(backupDir, ".notes.partial");
    writeFileSync(unrelated, "kept: not a dump's name");
    age(unrelated, 2 * STALE_PARTIAL_MS);
    const before = listBackups(backupDir).map((b) => b.name);

    const removed = await sweepRetention(handle.db, NOTHING_ELSE, new Date());

    expect(removed.backupPartials).toBe(2);
    expect([existsSync(stale), existsSync(staleElsewhere), existsSync(live), existsSync(unrelated)]).toEqual([
      false,
      false,
      true,
      true,
    ]);
    expect(listBackups(backupDir).map((b) => b.name)).toEqual(before);
    expect(readdirSync(otherDir)).toEqual([]);
  });
});

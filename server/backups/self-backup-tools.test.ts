import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { auditEvents } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import type { PgTool } from "../connectors/postgres";
import { metrics } from "../observability/metrics";
import { sweepSelfBackup } from "./self-backup";

// A machine without the PostgreSQL client tools: locating pg_dump fails as findTools reports it.
vi.mock("../connectors/postgres", async (importOriginal) => {
  const original = await importOriginal<typeof import("../connectors/postgres")>();
  return {
    ...original,
    serverMajorVersion: async () => 16,
    locateTool: async (tool: PgTool, major: number | null) => original.chooseTool(tool, [], major),
  };
});

let handle: TestDatabase;
let root: string;

beforeAll(async () => {
  handle = await createTestDatabase();
  root = mkdtempSync(path.join(os.tmpdir(), "keel-self-backup-tools-"));
});

afterAll(async () => {
  await handle.drop();
  rmSync(root, { recursive: true, force: true });
});

describe("Keel's own PostgreSQL database without pg_dump", () => {
  it("records a failure that names pg_dump, leaves no file, and does not throw", async () => {
    // The console's database on PostgreSQL (the claim and the audit row go to the test database).
    const onPostgres: DatabaseHandle = {
      ...handle,
      target: { driver: "pg", url: "postgres://keel@127.0.0.1:5432/keel" },
      raw: { kind: "pg", pool: null as never },
    };
    const failuresBefore = (await metrics().selfBackupFailures.get()).values[0]?.value ?? 0;
    const directory = path.join(root, "backups");
    const outcome = await sweepSelfBackup(onPostgres, { everyHours: 24, directory, keep: 7 });
    expect(outcome).toMatchObject({
      status: "failed",
      error: expect.stringContaining(
        "Keel cannot back up its own PostgreSQL database (server 16) without pg_dump: pg_dump is not installed on the Keel server: install the Debian package postgresql-client",
      ),
    });
    expect(readdirSync(directory)).toEqual([]);
    expect((await metrics().selfBackupFailures.get()).values[0]!.value).toBe(failuresBefore + 1);
    const [event] = await handle.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.eventType, "keel.self_backup"))
      .orderBy(desc(auditEvents.seq))
      .limit(1);
    expect(event).toMatchObject({
      outcome: "failure",
      eventMeta: { error: expect.stringContaining("pg_dump is not installed") },
    });
  });
});

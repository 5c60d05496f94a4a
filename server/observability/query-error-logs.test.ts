import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { findSecrets } from "@/test/support/secret-scan";
import { hashPassword } from "../auth/password";

const driver = process.env.TEST_DATABASE_URL ? "postgres" : "pglite";
const dir = mkdtempSync(path.join(os.tmpdir(), "keel-query-logs-"));
let database: TestDatabase | null = null;

afterAll(async () => {
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

function run(env: Record<string, string>): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.resolve("node_modules/tsx/dist/cli.mjs"), "test/fixtures/processes/failing-queries.ts"],
      {
        env: { ...process.env, NODE_ENV: "production", LOG_LEVEL: "info", ...env },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ stdout, stderr, code }));
  });
}

describe(`a failed query's parameters never reach a log (${driver})`, () => {
  it("logs the statement, the PostgreSQL code and the request id, and no secret, hash or token in plain, base64 or hex", async () => {
    const secret = `s3cret-${randomBytes(12).toString("hex")}`;
    const token = `keel_pat_${randomBytes(16).toString("base64url")}`;
    const passwordHash = await hashPassword(`pw-${randomBytes(9).toString("base64url")}`);
    const requestId = `req-${randomUUID()}`;
    const logFile = path.join(dir, "keel.log");
    if (process.env.TEST_DATABASE_URL) database = await createTestDatabase();
    const result = await run({
      KEEL_LOG_FILE: logFile,
      FAILING_QUERY_VALUES: JSON.stringify({ secret, passwordHash, token, requestId }),
      FAILING_QUERY_TARGET: database ? JSON.stringify(database.target) : "",
    });
    const file = readFileSync(logFile, "utf8");
    expect(result.stdout, result.stderr).toContain("DONE");
    expect(result.stdout).not.toContain("UNEXPECTED-SUCCESS");

    const everything = [file, result.stdout, result.stderr].join("\n");
    const hashParts = passwordHash.split("$").filter((part) => part.length >= 16);
    expect(findSecrets(everything, [secret, token, passwordHash, ...hashParts])).toEqual([]);
    expect(everything).not.toMatch(/Failed query: |params: |insert into "users"/);

    // What a reader needs instead: statement, code and request id on each logged failure.
    const lines = file
      .trim()
      .split("\n")
      .map(
        (line) =>
          JSON.parse(line) as {
            msg: string;
            requestId?: string;
            err?: { message: string; code?: string; statement?: string };
          },
      );
    const failures = lines.filter((line) => line.msg === "procedure failed");
    expect(failures.map((line) => [line.err?.statement, line.err?.code, line.requestId])).toEqual([
      ["insert users", "23505", requestId],
      ["insert users", driver === "postgres" ? "22021" : expect.stringMatching(/^[0-9A-Z]{5}$/), requestId],
      ["select api_tokens", "22P02", requestId],
    ]);
    expect(failures[0]!.err!.message).toBe(
      'Query failed (insert users): duplicate key value violates unique constraint "users_email_unique"',
    );
    expect(failures[2]!.err!.message).toBe("Query failed (select api_tokens): invalid input syntax for type uuid");
    // console.* (what Next.js prints) says the same reduced thing.
    expect(result.stderr).toContain("Query failed (insert users)");
  }, 120_000);
});

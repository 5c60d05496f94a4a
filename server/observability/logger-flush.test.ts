import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

describe("the production logger", () => {
  it("writes asynchronously, yet a process that exits right after logging loses no line", async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "keel-log-")), "keel.log");
    const { stdout } = await run(process.execPath, ["--import", "tsx", "test/fixtures/processes/log-then-exit.ts"], {
      env: { PATH: process.env.PATH, NODE_ENV: "production", LOG_LEVEL: "info", KEEL_LOG_FILE: file, LINES: "5000" },
      maxBuffer: 64 * 1024 * 1024,
    });
    const numbers = (text: string) =>
      text
        .trim()
        .split("\n")
        .map((line) => (JSON.parse(line) as { i: number }).i);
    const expected = Array.from({ length: 5000 }, (_, i) => i);
    expect(numbers(stdout)).toEqual(expected);
    expect(numbers(readFileSync(file, "utf8"))).toEqual(expected);
  }, 60_000);
});

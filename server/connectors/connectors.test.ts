import { createServer, type Server } from "node:http";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommand, runCommandOrFail } from "./command";
import { writeFileAtomic } from "./files";
import { checkUrl, httpRequest, HttpPolicyError } from "./http";

let server: Server;
let port = 0;
let calls = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    calls++;
    if (req.url === "/flaky" && calls % 3 !== 0) {
      res.writeHead(503).end("busy");
      return;
    }
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ auth: req.headers.authorization ?? null }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("http connector", () => {
  const loopback = { allowedHosts: ["127.0.0.1"], allowPrivateNetwork: true, retries: 3, timeoutMs: 2000 };

  it("refuses plain http except loopback, hosts outside the allowlist, and credentials in URLs", () => {
    expect(() => checkUrl({ allowedHosts: ["api.example.com"] }, "http://api.example.com/x")).toThrow(/must use https/);
    expect(() => checkUrl({ allowedHosts: ["api.example.com"] }, "https://evil.example.com/x")).toThrow(
      /not in this target's allowed hosts/,
    );
    expect(() => checkUrl({ allowedHosts: ["*.example.com"] }, "https://a.b.example.com/x")).not.toThrow();
    expect(() => checkUrl({ allowedHosts: ["api.example.com"] }, "https://user:pw@api.example.com/")).toThrow(
      /credentials/,
    );
  });

  it("refuses a private address unless the target allows it", async () => {
    await expect(
      httpRequest({ allowedHosts: ["127.0.0.1"] }, { method: "GET", url: `http://127.0.0.1:${port}/` }),
    ).rejects.toBeInstanceOf(HttpPolicyError);
    const ok = await httpRequest(loopback, { method: "GET", url: `http://127.0.0.1:${port}/` });
    expect(ok.status).toBe(200);
  });

  it("retries 5xx with backoff and sends secret headers without logging them", async () => {
    calls = 0;
    const lines: string[] = [];
    const result = await httpRequest(loopback, {
      method: "GET",
      url: `http://127.0.0.1:${port}/flaky`,
      secretHeaders: { authorization: "Bearer s3cr3t-token" },
      log: (l) => lines.push(l),
    });
    expect(result.status).toBe(200);
    expect(result.attempts).toBe(3);
    expect(JSON.parse(result.body)).toEqual({ auth: "Bearer s3cr3t-token" });
    expect(lines.join("\n")).not.toContain("s3cr3t");
  });
});

describe("command connector", () => {
  it("runs an absolute executable with arguments as an array and a minimal environment", async () => {
    const lines: string[] = [];
    const result = await runCommand(
      { executable: "/bin/sh", args: ["-c", 'echo "$GREETING"; echo oops >&2'], timeoutSeconds: 5 },
      { env: { GREETING: "hello; rm -rf /" }, onLine: (l, s) => lines.push(`${s}:${l}`) },
    );
    expect(result.exitCode).toBe(0);
    expect(lines).toEqual(["stdout:hello; rm -rf /", "stderr:oops"]);
  });

  it("stops a command at its timeout and reports non-zero exits", async () => {
    const result = await runCommand({ executable: "/bin/sleep", args: ["10"], timeoutSeconds: 1 });
    expect(result.timedOut).toBe(true);
    await expect(runCommandOrFail({ executable: "/bin/false", args: [], timeoutSeconds: 5 })).rejects.toThrow(
      /false exited with 1/,
    );
    await expect(runCommandOrFail({ executable: "/no/such/thing", args: [], timeoutSeconds: 5 })).rejects.toThrow(
      /cannot be executed/,
    );
  });
});

describe("atomic file writes", () => {
  it("replaces the file whole and leaves no temporary file behind", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "keel-files-"));
    const file = path.join(dir, "nested", "allow.conf");
    writeFileAtomic(file, "allow 10.0.0.0/8;\n", 0o640);
    writeFileAtomic(file, "allow 203.0.113.0/24;\n", 0o640);
    expect(readFileSync(file, "utf8")).toBe("allow 203.0.113.0/24;\n");
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readdirSync(path.dirname(file))).toEqual(["allow.conf"]);
  });
});

import { connect, type AddressInfo } from "node:net";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseTrustedProxies } from "./client-ip";
import { createEdgeServer } from "./edge-server";

/**
 * Keel's edge server on a real socket. Behind it, a handler answering the ways Next.js and
 * libraries do when Keel's code is not the one writing (empty 405, plain-text 500, a throw), so
 * the edge's envelope rule is what is tested.
 */
const behind: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  "/api/healthz": (req, res) => {
    if (req.method !== "GET") {
      res.statusCode = 405;
      res.setHeader("Allow", "GET, HEAD");
      res.end();
      return;
    }
    res.setHeader("content-type", "application/json");
    res.end('{"ok":true}');
  },
  "/api/plain-500": (_req, res) => {
    res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
    res.end("Internal Server Error");
  },
  "/api/text-400": (_req, res) => {
    res.statusCode = 400;
    res.setHeader("content-type", "text/plain");
    res.write("This action with HTTP GET is not supported by NextAuth.js");
    res.end();
  },
  "/api/own-envelope": (_req, res) => {
    res.writeHead(409, { "content-type": "application/json" });
    res.end('{"error":{"code":"CONFLICT","message":"mine","requestId":"x"}}');
  },
  "/api/throws": () => {
    throw new Error("boom");
  },
  "/page": (_req, res) => {
    res.writeHead(404, { "content-type": "text/html" });
    res.end("<h1>Not found</h1>");
  },
};
const reached: string[] = [];
let server: Server;
let port: number;

beforeAll(async () => {
  server = createEdgeServer({
    edge: { development: false, production: true, https: false, trustedProxies: parseTrustedProxies("") },
    log: pino({ level: "silent" }),
    handle: async (req, res) => {
      reached.push(req.url ?? "");
      const route = behind[(req.url ?? "/").split("?")[0]!];
      if (!route) throw new Error("no route");
      route(req, res);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends raw bytes and returns the raw answer: fetch would refuse to send what these tests send. */
function raw(request: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(request));
    let text = "";
    socket.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    socket.on("error", reject);
    socket.on("close", () => {
      const [head = "", body = ""] = text.split("\r\n\r\n");
      resolve({ status: Number(head.split(" ")[1]), headers: head.toLowerCase(), body });
    });
  });
}

function expectEnvelope(
  body: string,
  code: string,
): { error: { code: string; message: string; requestId: string; details?: Record<string, unknown> } } {
  const parsed = JSON.parse(body) as {
    error: { code: string; message: string; requestId: string; details?: Record<string, unknown> };
  };
  expect(Object.keys(parsed)).toEqual(["error"]);
  expect(parsed.error.code).toBe(code);
  expect(parsed.error.message.length).toBeGreaterThan(0);
  expect(parsed.error.requestId).toMatch(/^[\w-]{8,}$/);
  return parsed;
}

const url = (path: string) => `http://127.0.0.1:${port}${path}`;

describe("the edge server", () => {
  it("refuses invalid percent-encoding and unstorable text in a path or query before the application sees it", async () => {
    const before = reached.length;
    for (const [path, field] of [
      ["/api/runs/%ED%A0%80/events", "path"],
      ["/api/incidents/%C3%28/postmortem", "path"],
      ["/api/%ED%A0%80", "path"],
      ["/api/demo/services/%00/health", "path"],
      ["/api/audit/export?actor=%00", "actor"],
      ["/api/audit/export?q=a%00b", "q"],
    ] as const) {
      const response = await fetch(url(path));
      expect(response.status, path).toBe(400);
      expect(response.headers.get("content-type")).toBe("application/json");
      const { error } = expectEnvelope(await response.text(), "BAD_REQUEST");
      expect(error.requestId).toBe(response.headers.get("x-request-id"));
      expect(Object.keys(error.details?.fields as object)).toEqual([field]);
    }
    expect(reached.length).toBe(before);
  });

  it("refuses a tRPC call's oversized body or bad URL in tRPC's error shape, with Keel's fields under data", async () => {
    const before = reached.length;
    const big = await fetch(url("/api/trpc/runs.start"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ note: "n".repeat(1100 * 1024) }),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({
      error: {
        code: -32013,
        message: expect.stringContaining("the limit is 1 MB"),
        data: {
          code: "PAYLOAD_TOO_LARGE",
          httpStatus: 413,
          details: { fields: { body: expect.any(String) }, limitBytes: 1024 * 1024 },
          requestId: big.headers.get("x-request-id"),
        },
      },
    });
    const badUrl = await fetch(url("/api/trpc/session.me?input=%ED%A0%80"));
    expect(badUrl.status).toBe(400);
    expect(await badUrl.json()).toMatchObject({ error: { code: -32600, data: { code: "BAD_REQUEST" } } });
    expect(reached.length).toBe(before);
  });

  it("puts an empty 405 under /api/ in the envelope, naming the allowed methods", async () => {
    const response = await fetch(url("/api/healthz"), { method: "DELETE" });
    expect(response.status).toBe(405);
    const { error } = expectEnvelope(await response.text(), "METHOD_NOT_SUPPORTED");
    expect(error).toMatchObject({
      message: "/api/healthz does not accept DELETE.",
      details: { allowed: ["GET", "HEAD"] },
      requestId: response.headers.get("x-request-id"),
    });
  });

  it("replaces plain-text error answers and a throw with the envelope, and leaves JSON, successes and pages alone", async () => {
    const plain = await fetch(url("/api/plain-500"));
    expect(plain.status).toBe(500);
    expect(plain.headers.get("content-type")).toBe("application/json");
    expect(expectEnvelope(await plain.text(), "INTERNAL_SERVER_ERROR").error.message).not.toContain(
      "Internal Server Error",
    );
    const text = await fetch(url("/api/text-400"));
    expect(text.status).toBe(400);
    expectEnvelope(await text.text(), "BAD_REQUEST");
    const thrown = await fetch(url("/api/throws"));
    expect(thrown.status).toBe(500);
    expectEnvelope(await thrown.text(), "INTERNAL_SERVER_ERROR");
    const own = await fetch(url("/api/own-envelope"));
    expect(await own.json()).toEqual({ error: { code: "CONFLICT", message: "mine", requestId: "x" } });
    expect(await (await fetch(url("/api/healthz"))).json()).toEqual({ ok: true });
    const page = await fetch(url("/page"));
    expect([page.status, await page.text()]).toEqual([404, "<h1>Not found</h1>"]);
  });

  it("answers what Node's parser refuses in the envelope: oversized headers or query string, a malformed Content-Length, garbage", async () => {
    const longQuery = await raw(`GET /api/healthz?q=${"a".repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(longQuery.status).toBe(431);
    expect(longQuery.headers).toContain("content-type: application/json");
    expectEnvelope(longQuery.body, "PAYLOAD_TOO_LARGE");
    const bigHeader = await raw(`GET /api/healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${"b".repeat(20_000)}\r\n\r\n`);
    expect(bigHeader.status).toBe(431);
    const badLength = await raw("POST /api/healthz HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n");
    expect(badLength.status).toBe(400);
    expect(expectEnvelope(badLength.body, "BAD_REQUEST").error.message).toContain("Content-Length");
    const garbage = await raw("NOT HTTP AT ALL\r\n\r\n");
    expect(garbage.status).toBe(400);
    expectEnvelope(garbage.body, "BAD_REQUEST");
  });
});

describe("keep-alive", () => {
  it("keeps an idle connection open longer than a proxy's usual 60 s idle timeout", async () => {
    expect(server.keepAliveTimeout).toBeGreaterThan(60_000);
    expect(server.headersTimeout).toBeGreaterThan(server.keepAliveTimeout);
    // Past Node's default of 5 s, the same connection still answers a second request.
    const socket = connect(port, "127.0.0.1");
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    const answers: string[] = [];
    socket.on("data", (chunk: Buffer) => answers.push(chunk.toString("utf8")));
    const ask = async () => {
      const before = answers.length;
      socket.write("GET /api/healthz HTTP/1.1\r\nHost: keel.test\r\n\r\n");
      for (let i = 0; i < 100 && answers.length === before; i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      return answers.at(-1) ?? "";
    };
    expect(await ask()).toMatch(/^HTTP\/1\.1 200/);
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    expect(socket.destroyed).toBe(false);
    expect(await ask()).toMatch(/^HTTP\/1\.1 200/);
    socket.destroy();
  }, 20_000);
});

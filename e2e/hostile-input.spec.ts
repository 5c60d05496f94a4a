import { readFileSync } from "node:fs";
import path from "node:path";
import { request as requests, type APIRequestContext } from "@playwright/test";
import { expect, test } from "./support/test";
import { E2E_DRIVER, E2E_PORT } from "./support/config";
import {
  API_ROUTES,
  envelopeProblem,
  HOSTILE_SEGMENTS,
  listProcedures,
  METHODS,
  rawRequest,
} from "./support/hostile-http";
import { LOG_DIR } from "../test/support/secrets-used";

/**
 * Issue 13's hostile run, from outside, against the running console: every API route with every
 * method and hostile route parameters, every tRPC procedure with text that cannot be stored, and
 * what Node's parser refuses, anonymous and signed in as an admin. No answer may be a 5xx, and
 * every error answer must be Keel's envelope with a request id.
 */

type Caller = { name: string; request: APIRequestContext };

async function callers(baseURL: string | undefined, admin: APIRequestContext): Promise<Caller[]> {
  const anonymous = await requests.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  return [
    { name: "anonymous", request: anonymous },
    { name: "admin", request: admin },
  ];
}

test("every API route, every method, hostile route parameters: no 5xx, every error in the envelope", async ({
  baseURL,
  request,
}) => {
  test.setTimeout(600_000);
  const problems: string[] = [];
  let calls = 0;
  for (const caller of await callers(baseURL, request)) {
    for (const route of API_ROUTES) {
      for (const segment of route.includes(":x") ? HOSTILE_SEGMENTS : [""]) {
        const url = route.replace(":x", segment);
        for (const method of METHODS) {
          // Event streams stay open for a run or incident that exists; these ids name none, so they close.
          const response = await caller.request.fetch(url, {
            method,
            timeout: 20_000,
            maxRedirects: 0,
            ...(method === "GET" || method === "HEAD"
              ? {}
              : { data: "{}", headers: { "content-type": "application/json" } }),
          });
          calls++;
          const body = method === "HEAD" ? "" : await response.text();
          // The demo service's stand-in health endpoint answers 503 on purpose: the demo deploys a bad release.
          const demoHealth = url === "/api/demo/services/demo-web/health" && response.status() === 503;
          const problem =
            demoHealth || (method === "HEAD" && response.status() < 500)
              ? null
              : envelopeProblem(response.status(), response.headers()["content-type"], body);
          if (problem) problems.push(`${caller.name} ${method} ${url}: ${problem}`);
        }
      }
    }
  }
  test
    .info()
    .annotations.push({ type: "hostile calls", description: `${calls} route calls, ${problems.length} problems` });
  expect(problems).toEqual([]);
});

test("every tRPC procedure refuses NUL and lone surrogates with 400 naming the field, by GET and POST, anonymous and signed in", async ({
  baseURL,
  request,
}) => {
  test.setTimeout(600_000);
  const procedures = listProcedures();
  expect(procedures.length).toBeGreaterThan(60);
  const problems: string[] = [];
  let calls = 0;
  const samples = [
    { input: { name: "a\u0000b", title: "ok" }, field: "name", character: "U+0000" },
    {
      input: { runId: "00000000-0000-4000-8000-000000000000", reason: "x\ud800" },
      field: "reason",
      character: "U+D800",
    },
    { input: { steps: [{ note: "fine" }, { note: "\udc00" }] }, field: "steps.1.note", character: "U+DC00" },
  ];
  for (const caller of await callers(baseURL, request)) {
    for (const { path: procedure, type } of procedures) {
      for (const { input, field, character } of samples) {
        const response =
          type === "query"
            ? await caller.request.get(`/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`)
            : await caller.request.post(`/api/trpc/${procedure}`, { data: input });
        calls++;
        const body = await response.text();
        const problem = envelopeProblem(response.status(), response.headers()["content-type"], body);
        if (problem) {
          problems.push(`${caller.name} ${procedure}: ${problem}`);
          continue;
        }
        const fields =
          (JSON.parse(body) as { error?: { data?: { details?: { fields?: Record<string, string> } } } }).error?.data
            ?.details?.fields ?? {};
        const expected = `${field} contains a character that cannot be stored: ${character}.`;
        if (response.status() !== 400 || fields[field] !== expected)
          problems.push(`${caller.name} ${procedure}: ${response.status()} ${body.slice(0, 160)}`);
      }
    }
  }
  test
    .info()
    .annotations.push({ type: "hostile calls", description: `${calls} procedure calls, ${problems.length} problems` });
  expect(problems).toEqual([]);
});

test("malformed tRPC requests answer in tRPC's error shape with Keel's code and their request id", async ({
  request,
}) => {
  const cases: [string, string, string | null, string | null][] = [
    ["GET", "/api/trpc/session.me?input=%7Bbad", null, null],
    ["GET", "/api/trpc/session.me?batch=1&input=%5B1%5D", null, null],
    ["GET", "/api/trpc/session.me,runs.list?batch=1&input=%7B%220%22%3A%7B%22a%22%3A%22%5Cu0000%22%7D%7D", null, null],
    ["POST", "/api/trpc/users.create", "{bad", "application/json"],
    ["POST", "/api/trpc/users.create?batch=1", "[]", "application/json"],
    ["POST", "/api/trpc/users.create", "{}", "text/plain"],
    ["POST", "/api/trpc/users.create", "{}", null],
    ["POST", "/api/trpc/users.create", "", "application/json"],
    ["GET", "/api/trpc/", null, null],
    ["GET", "/api/trpc/nope.nothing", null, null],
    ["POST", "/api/trpc/session.me", "{}", "application/json"],
  ];
  const problems: string[] = [];
  for (const [method, url, data, type] of cases) {
    const response = await request.fetch(url, {
      method,
      ...(data === null ? {} : { data }),
      headers: type ? { "content-type": type } : {},
    });
    const problem = envelopeProblem(
      response.status(),
      response.headers()["content-type"],
      await response.text(),
      // No procedure named: the route is not tRPC's, and the edge answers in the envelope.
      url === "/api/trpc/" ? "any" : "trpc",
    );
    if (problem || response.status() < 400)
      problems.push(`${method} ${url} ${type ?? ""}: ${problem ?? response.status()}`);
  }
  expect(problems).toEqual([]);
});

test("query strings and path segments that cannot be decoded or stored are refused with 400 naming the field", async ({
  request,
}) => {
  for (const [url, field] of [
    ["/api/audit/export?actor=%00", "actor"],
    ["/api/audit/export?format=csv&q=a%00b", "q"],
    ["/api/audit/export?q=%ED%A0%80", "q"],
    ["/api/runs/%ED%A0%80/events", "path"],
    ["/api/incidents/%C3%28/postmortem", "path"],
    ["/api/demo/services/%00/health", "path"],
    ["/runs/%ED%A0%80", "path"],
  ] as const) {
    const response = await request.get(url);
    expect(response.status(), url).toBe(400);
    const body = (await response.json()) as {
      error: { code: string; requestId: string; details: { fields: Record<string, string> } };
    };
    expect(Object.keys(body.error.details.fields), url).toEqual([field]);
    expect(body.error.requestId).toBe(response.headers()["x-request-id"]);
  }
});

test("bytes that are not UTF-8 or not percent-encoded are refused, never stored as U+FFFD or Latin-1", async ({
  request,
}) => {
  const body = Buffer.concat([Buffer.from('{"name":"x'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
  const response = await request.post("/api/trpc/incidents.create", {
    data: body,
    headers: { "content-type": "application/json" },
  });
  expect(response.status()).toBe(400);
  expect(await response.json()).toMatchObject({
    error: { data: { code: "BAD_REQUEST", details: { fields: { body: "The request body is not valid UTF-8." } } } },
  });
  const raw = await rawRequest(
    E2E_PORT,
    Buffer.concat([
      Buffer.from("GET /api/runs/"),
      Buffer.from([0xc3, 0xa9]),
      Buffer.from("/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
    ]),
  );
  expect(raw.status).toBe(400);
  expect(envelopeProblem(raw.status, raw.headers["content-type"], raw.body)).toBeNull();
});

test("what Node's parser refuses is answered in the envelope: oversized query string and header, malformed Content-Length, not HTTP", async () => {
  const cases: [string, number][] = [
    [`GET /api/healthz?q=${"a".repeat(20_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, 431],
    [`GET /api/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${"b".repeat(20_000)}\r\n\r\n`, 431],
    ["POST /api/v1/deployments HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n", 400],
    ["POST /api/v1/deployments HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400],
    ["GARBAGE\r\n\r\n", 400],
  ];
  for (const [raw, status] of cases) {
    const answer = await rawRequest(E2E_PORT, raw);
    expect(answer.status, raw.slice(0, 60)).toBe(status);
    expect(envelopeProblem(answer.status, answer.headers["content-type"], answer.body), raw.slice(0, 60)).toBeNull();
  }
});

test("a failed sign-in answers in the envelope with the sign-in page's url, and the logs hold none of the secrets sent", async ({
  playwright,
  baseURL,
}) => {
  const anonymous = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const { csrfToken } = (await (await anonymous.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const password = `hostile-pw-${Date.now().toString(36)}-\u00e9`;
  const failed = await anonymous.post("/api/auth/callback/credentials", {
    form: { email: "nobody@keel.local", password, csrfToken, json: "true", callbackUrl: "/" },
  });
  expect(failed.status()).toBe(401);
  const body = (await failed.json()) as { error: { code: string; message: string; requestId: string }; url: string };
  expect(body.error).toMatchObject({
    code: "UNAUTHORIZED",
    message: "Invalid email or password.",
    requestId: expect.any(String),
  });
  expect(new URL(body.url).pathname).toBe("/sign-in");
  // A NUL in a password and an API token in a refused call: refused, and never logged.
  const token = `keel_pat_hostile${Date.now().toString(36)}secretpart`;
  const refused = await anonymous.post("/api/v1/deployments", {
    data: { service: "web\u0000", version: "v1" },
    headers: { authorization: `Bearer ${token}` },
  });
  expect(envelopeProblem(refused.status(), refused.headers()["content-type"], await refused.text())).toBeNull();
  const nul = await anonymous.post("/api/trpc/account.reauthenticate", { data: { password: `${password}\u0000` } });
  expect(nul.status()).toBe(400);
  await anonymous.dispose();
  const log = readFileSync(path.join(LOG_DIR, `e2e-server-${E2E_DRIVER}.log`), "utf8");
  for (const secret of [password, token]) {
    for (const form of [
      secret,
      Buffer.from(secret).toString("base64"),
      Buffer.from(secret).toString("hex"),
      encodeURIComponent(secret),
    ])
      expect(log).not.toContain(form);
  }
  expect(log).not.toMatch(/Failed query: |params: |scrypt\$/);
});

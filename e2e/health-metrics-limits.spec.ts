import { expect, test } from "./support/test";
import { TEST_METRICS_TOKEN } from "../test/support/test-keys";

test("the health check reports each part, without a session", async ({ playwright, baseURL }) => {
  const anonymous = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const response = await anonymous.get("/api/healthz");
  expect(response.status()).toBe(200);
  const body = (await response.json()) as {
    status: string;
    failed: string[];
    parts: Record<string, { ok: boolean; detail: string }>;
  };
  expect(body.status).toBe("ok");
  expect(body.failed).toEqual([]);
  expect(Object.keys(body.parts).sort()).toEqual(["database", "jobQueue", "migrations"]);
  expect(body.parts.jobQueue!.ok).toBe(true);
  await anonymous.dispose();
});

test("metrics answer only with the scrape token, in Prometheus text", async ({ request }) => {
  const refused = await request.get("/api/metrics");
  expect(refused.status()).toBe(401);
  expect(await refused.json()).toMatchObject({ error: { code: "UNAUTHORIZED", requestId: expect.any(String) } });

  const scraped = await request.get("/api/metrics", { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } });
  expect(scraped.status()).toBe(200);
  expect(scraped.headers()["content-type"]).toMatch(/^text\/plain/);
  const text = await scraped.text();
  expect(text).toMatch(/^keel_http_requests_total\{route="\/api\/healthz",method="GET",status="200"\} \d+$/m);
  expect(text).toContain("keel_audit_append_duration_seconds_bucket");
  expect(text).toMatch(/^keel_job_queue_depth \d+$/m);
  expect(text).toContain("keel_process_resident_memory_bytes");
});

test("a body over 1 MB is refused at the edge with 413 in tRPC's error shape", async ({ request }) => {
  const response = await request.post("/api/trpc/runs.start", {
    data: { runbookId: "x", inputs: { note: "n".repeat(1100 * 1024) }, requestKey: "k" },
  });
  expect(response.status()).toBe(413);
  expect(await response.json()).toMatchObject({
    error: {
      message: expect.stringContaining("the limit is 1 MB"),
      data: { code: "PAYLOAD_TOO_LARGE", requestId: expect.any(String) },
    },
  });
});

test("a string over 256 KB is refused naming the field", async ({ request }) => {
  const response = await request.post("/api/trpc/runs.start", {
    data: { runbookId: "verify-audit-trail", inputs: { note: "n".repeat(300 * 1024) }, requestKey: "k" },
  });
  expect(response.status()).toBe(413);
  expect(await response.json()).toMatchObject({
    error: {
      data: {
        code: "PAYLOAD_TOO_LARGE",
        details: { fields: { "inputs.note": expect.stringContaining("the limit is 256 KB") } },
      },
    },
  });
});

test("the main pages carry the security headers and work under their own CSP", async ({ page }) => {
  // Every CSP violation the browser reports on these pages, and anything the pages throw.
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (event) =>
      seen.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline code"}`),
    );
  });
  const violations: string[] = [];
  // A page error here is most often a hydration mismatch: the server's HTML and the browser's first render differ.
  page.on("pageerror", (error) => violations.push(`page error: ${error.message}`));
  for (const path of [
    "/",
    "/runbooks",
    "/runs",
    "/incidents",
    "/incidents/new",
    "/checklists",
    "/history",
    "/telemetry",
    "/account",
    "/admin/users",
  ]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    const headers = response!.headers();
    expect(headers["content-security-policy"], path).toMatch(
      /script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/,
    );
    expect(headers["content-security-policy"], path).toContain("frame-ancestors 'none'");
    expect(headers["content-security-policy"], path).not.toContain("unsafe-inline");
    expect(headers["x-content-type-options"], path).toBe("nosniff");
    expect(headers["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
    expect(headers["permissions-policy"], path).toContain("camera=()");
    expect(headers["strict-transport-security"], path).toContain("max-age=");
    // The page's own scripts ran: the client-rendered navigation is there and interactive.
    await expect(page.getByRole("navigation").first()).toBeVisible();
    violations.push(
      ...(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)).map(
        (v) => `${path}: ${v}`,
      ),
    );
  }
  expect(violations).toEqual([]);
});

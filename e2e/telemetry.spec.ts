import { randomUUID } from "node:crypto";
import { expect, test } from "./support/test";
import { snap } from "./support/screenshots";
import { trpcCall } from "./support/session";

/**
 * Telemetry as the person on call reads it: a failure reads as the message a step wrote, digits
 * and all, and the duration scale on the chart's right side is not cut off.
 */
test("telemetry shows failures as written and a chart whose labels fit", async ({ page }) => {
  test.setTimeout(120_000);
  // A rollback to a release demo-web never had fails at its release check, naming the release.
  const missing = "v9.1.2-rc3";
  const started = await trpcCall(
    page.request,
    "runs.start",
    {
      runbookId: "rollback",
      inputs: { service: "demo-web", release: missing, reason: "Telemetry journey: a release that does not exist." },
      requestKey: randomUUID(),
    },
    "mutation",
  );
  expect(started.status).toBe(200);
  const failedRunId = (started.body as { result: { data: { runId: string } } }).result.data.runId;
  await page.goto(`/runs/${failedRunId}`);
  await expect(page.getByTestId("run-status")).toHaveText("Waiting for an operator", { timeout: 30_000 });
  const acknowledged = await trpcCall(
    page.request,
    "runs.confirm",
    { runId: failedRunId, stepId: "confirm-bad-release" },
    "mutation",
  );
  expect(acknowledged.status).toBe(200);
  await expect(page.getByTestId("run-status")).toHaveText("Failed", { timeout: 60_000 });

  // A run that succeeds gives the chart its p95 duration line and right-hand scale.
  await page.goto("/runbooks/verify-audit-trail/start");
  await page.getByRole("button", { name: "Start the run" }).click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  const runId = page.url().split("/").at(-1)!;
  await expect(page.getByTestId("run-status")).toHaveText("Waiting for an operator", { timeout: 30_000 });
  const confirmed = await trpcCall(
    page.request,
    "runs.confirm",
    { runId, stepId: "failed-sign-ins", note: "Nothing unusual." },
    "mutation",
  );
  expect(confirmed.status).toBe(200);
  await expect(page.getByTestId("run-status")).toHaveText("Succeeded", { timeout: 30_000 });

  await page.goto("/telemetry");
  const reasons = page.getByRole("table", { name: "Failure reasons" });
  await expect(reasons).toContainText(`has no release "${missing}"`);
  await expect(reasons).not.toContainText("vN.N.N");

  // Every axis label lies inside the chart's drawing area.
  const chart = page.locator("figure.trend-chart svg").first();
  await expect(chart.locator("text.chart-axis").first()).toBeVisible();
  const overflow = await chart.evaluate((svg: SVGSVGElement) => {
    const width = svg.viewBox.baseVal.width;
    return [...svg.querySelectorAll<SVGTextElement>("text.chart-axis")]
      .map((t) => ({ text: t.textContent, right: t.getBBox().x + t.getBBox().width, left: t.getBBox().x }))
      .filter((b) => b.right > width || b.left < 0);
  });
  expect(overflow).toEqual([]);
  await snap(page, "telemetry");
});

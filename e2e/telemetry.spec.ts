import { expect, test } from "./support/test";
import { snap } from "./support/screenshots";
import { trpcCall } from "./support/session";

/**
 * Telemetry as the person on call reads it: a failure reads as the message a step wrote, digits
 * and all, and the duration scale on the chart's right side is not cut off.
 */
test("telemetry shows failures as written and a chart whose labels fit", async ({ page }) => {
  test.setTimeout(120_000);
  // A restore of a backup that does not exist fails at its first step, with the file name in the error.
  const missing = "nonexistent-1t2z-3a4b5c6d.sql";
  await page.goto("/runbooks/restore-backup/start");
  await page.getByLabel("Database").selectOption("demo-shop");
  await page.getByLabel("Backup file (optional)").fill(missing);
  await page.getByRole("button", { name: "Start the run" }).click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
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
  await expect(reasons).toContainText(`There is no backup named ${missing}`);
  await expect(reasons).not.toContainText("NtNz");

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

import { readFileSync } from "node:fs";
import path from "node:path";
import { request as playwrightRequest } from "@playwright/test";
import { expect, test } from "./support/test";
import { readCommits } from "../server/connectors/git";
import { rememberSecret } from "../test/support/secrets-used";
import { BASE_URL, E2E_DRIVER } from "./support/config";
import { newPerson } from "./support/people";
import { snap } from "./support/screenshots";

/** The e2e console's demo deploy repository (scripts/e2e-server.ts writes where its data lives). */
function demoRepository(): string {
  const dataDir = readFileSync(path.resolve("test-results", `e2e-data-dir-${E2E_DRIVER}.txt`), "utf8").trim();
  return path.join(dataDir, "demo", "deploy", "demo-web.git");
}

/**
 * Issue "The four runbooks", part 4: a responder rolls back demo-web, whose newest release is
 * bad. They see which commit will be reverted, a lead approves, the revert is pushed, the health
 * check goes green, and the release history shows the release it rolled back to.
 */
test("a responder rolls back demo-web's bad release, a lead approves, and the service is healthy again", async ({
  browser,
  page: admin,
}) => {
  test.setTimeout(120_000);
  const [bad, good] = await readCommits(demoRepository(), "main");
  expect(bad!.trailers["Release-Version"]).toBe("v1.3.0");

  const responder = await newPerson(browser, admin.request, "responder", "Rita Responder");
  const lead = await newPerson(browser, admin.request, "lead", "Luis Lead");
  const r = responder.page;

  // The release history says what runs now.
  await r.goto("/services/demo-web");
  const history = r.getByRole("table", { name: "Release history" });
  await expect(history.getByTestId("release-0")).toContainText("v1.3.0");
  await expect(history.getByTestId("release-0")).toContainText("current");
  await expect(history.getByTestId("release-1")).toContainText("v1.2.0");

  await r.goto("/runbooks/rollback/start");
  // demo-web is the only service Keel knows: it is chosen already.
  await expect(r.getByLabel("Service")).toHaveValue("demo-web");
  await snap(r, "rollback-start-form");
  await expect(r.getByLabel("Release to roll back to")).toHaveValue("previous");
  await r.getByLabel("Reason").fill("Checkout answers 503 since v1.3.0");
  await r.getByRole("button", { name: "Start the run" }).click();
  await expect(r).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  const runUrl = r.url();
  await expect(r.getByTestId("live-indicator")).toHaveText("Live");

  await expect(
    r
      .getByTestId("current-step")
      .getByRole("heading", { name: "Now: Confirm that the current release of demo-web is the bad one" }),
  ).toBeVisible();
  await r.getByLabel(/Evidence|Note/).fill("Error-rate graph: 5xx from 09:02, v1.3.0 deployed 09:01");
  await r.getByRole("button", { name: "Mark done" }).click();

  // The release is checked; production needs a lead, who sees exactly which commit will be reverted.
  await expect(r.getByTestId("run-status")).toHaveText("Waiting for approval");
  await expect(r.getByTestId("step-target-release")).toContainText("rolling back to v1.2.0");
  const l = lead.page;
  await l.goto(runUrl);
  const leadPlan = l.getByTestId("plan");
  await expect(leadPlan).toContainText(`revert ${bad!.sha.slice(0, 12)} "Release v1.3.0`);
  await expect(leadPlan).toContainText("from v1.3.0");
  await l.getByRole("button", { name: "Approve" }).click();

  // The responder sees the same plan before anything changes, then executes it.
  await expect(r.getByTestId("run-status")).toHaveText("Waiting for an operator");
  const plan = r.getByTestId("current-step").getByTestId("plan");
  await expect(plan).toContainText(`revert ${bad!.sha.slice(0, 12)}`);
  await expect(plan).toContainText(`to v1.2.0 (${good!.sha.slice(0, 12)})`);
  expect((await readCommits(demoRepository(), "main"))[0]!.sha).toBe(bad!.sha);
  await r.getByRole("button", { name: "Execute: Roll back demo-web" }).click();

  // The revert is pushed; the health check waits until demo-web answers 200 three times in a row.
  await expect(r.getByTestId("step-rollback")).toContainText("Done", { timeout: 30_000 });
  await expect(r.getByTestId("step-healthy")).toContainText("Done", { timeout: 60_000 });
  await expect(r.getByTestId("step-healthy")).toContainText("demo-web is healthy");

  await expect(r.getByTestId("current-step").getByTestId("plan")).toContainText(
    "Add release v1.2.0 to the release history of demo-web",
  );
  await r.getByRole("button", { name: "Execute: Record the release demo-web runs now" }).click();
  await expect(r.getByTestId("step-record")).toContainText("Done", { timeout: 30_000 });
  await r.getByLabel(/Evidence|Note/).fill("TICKET-4711");
  await r.getByRole("button", { name: "Mark done" }).click();
  await expect(r.getByTestId("run-status")).toHaveText("Succeeded", { timeout: 30_000 });

  // The release history shows what runs now, recorded by the run.
  await r.goto("/services/demo-web");
  await expect(history.getByTestId("release-0")).toContainText("v1.2.0");
  await expect(history.getByTestId("release-0")).toContainText("recorded by a Keel run");
  await expect(history.getByTestId("release-0")).toContainText("rolled back v1.3.0");
  await expect(history.getByTestId("release-1")).toContainText("v1.3.0");

  // The deploy repository itself holds the revert, on top of the bad release.
  const [revert, previousHead] = await readCommits(demoRepository(), "main");
  expect(revert!.subject).toBe("Roll back demo-web to v1.2.0");
  expect(revert!.trailers).toMatchObject({
    "Release-Version": "v1.2.0",
    "Keel-Rolled-Back-From": "v1.3.0",
    "Keel-Reverted": bad!.sha,
  });
  expect(previousHead!.sha).toBe(bad!.sha);
  await expect(history.getByTestId("release-0")).toContainText(revert!.sha.slice(0, 12));

  await responder.context.close();
  await lead.context.close();
});

/** An admin creates an API token, sees it once, and a CI job records a deployment with it; a revoked token is refused. */
test("an admin creates an API token that a CI pipeline uses to record a deployment", async ({ page }) => {
  await page.goto("/admin/api-tokens");
  await page.getByRole("button", { name: "Create token" }).click();
  await page.getByLabel("Name").fill("CI: demo-web pipeline");
  await page.getByRole("button", { name: "Create token" }).click();
  const value = page.getByTestId("new-api-token-value");
  await expect(value).toHaveText(/^keel_pat\./);
  const token = rememberSecret((await value.textContent())!.trim());
  const row = page.getByTestId("api-token-CI: demo-web pipeline");
  await expect(row).toContainText("deployments:write");
  await expect(row).toContainText("Never");

  // Shown once: after a reload the page has no way to show it again.
  await page.reload();
  await expect(row).toBeVisible();
  await expect(page.getByTestId("new-api-token-value")).toHaveCount(0);
  await expect(page.locator("body")).not.toContainText(token);

  const ci = await playwrightRequest.newContext({ baseURL: BASE_URL, storageState: { cookies: [], origins: [] } });
  const recorded = await ci.post("/api/v1/deployments", {
    headers: { authorization: `Bearer ${token}` },
    data: {
      service: "demo-web",
      version: "v1.2.0-ci.7",
      description: "Deployed by the CI pipeline",
      deployedAt: "2026-11-30T08:00:00Z",
    },
  });
  expect(recorded.status()).toBe(201);
  expect(await recorded.json()).toMatchObject({
    deployment: { service: "demo-web", version: "v1.2.0-ci.7", source: "api" },
  });

  const badBody = await ci.post("/api/v1/deployments", {
    headers: { authorization: `Bearer ${token}` },
    data: { service: "demo-web" },
  });
  expect(badBody.status()).toBe(400);
  expect(await badBody.json()).toMatchObject({
    error: { code: "BAD_REQUEST", details: { fields: { version: expect.any(String) } } },
  });

  await page.reload();
  await expect(row).not.toContainText("Never");
  await page.goto("/services/demo-web");
  await expect(page.getByRole("table", { name: "Release history" })).toContainText("v1.2.0-ci.7");

  await page.goto("/admin/api-tokens");
  await row.getByRole("button", { name: "Revoke" }).click();
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(row).toContainText("Revoked");
  const refused = await ci.post("/api/v1/deployments", {
    headers: { authorization: `Bearer ${token}` },
    data: { service: "demo-web", version: "v9" },
  });
  expect(refused.status()).toBe(401);
  expect(await refused.json()).toMatchObject({ error: { code: "UNAUTHORIZED" } });
  await ci.dispose();
});

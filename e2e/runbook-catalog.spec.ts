import { randomUUID } from "node:crypto";
import type { Request } from "@playwright/test";
import { expect, test } from "./support/test";
import { replaceOneTimePassword, signIn, trpcCall, uniqueE2eEmail } from "./support/session";
import { runbookFileCount } from "../test/support/runbook-files";
import { rememberSecret } from "../test/support/secrets-used";

/**
 * The e2e console loads runbooks/ and test/fixtures/runbooks/. scripts/e2e-server.ts loads an
 * earlier edition of sample-guided-change first (same path, default settle time 60 s, no ticket
 * input), so the catalog shows it at version 2 with version 1 to compare against.
 */

test("an admin finds a runbook in the catalog, reads its steps and compares two versions", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).first().getByRole("link", { name: "Runbooks" }).click();
  await expect(page.getByRole("heading", { name: "Runbooks", level: 1 })).toBeVisible();
  await expect(page.getByTestId("invalid-runbook-files")).toHaveCount(0);

  // The shipped runbooks and the fixtures the e2e console loads.
  const total = runbookFileCount("runbooks", "test/fixtures/runbooks");
  const cards = page.getByRole("list", { name: "Runbooks" }).getByRole("listitem");
  await expect(cards).toHaveCount(total);
  await page.getByLabel("Tag").selectOption("change");
  await page.getByLabel("Search").fill("lead approval");
  await expect(cards).toHaveCount(1);
  await expect(page.getByText(`1 of ${total} runbooks match`)).toBeVisible();
  const card = page.getByTestId("runbook-card-sample-guided-change");
  await expect(card).toContainText("Medium risk");
  await expect(card).toContainText("version 2");
  await card.getByRole("link", { name: "Guided change with approval (sample)" }).click();

  await expect(page).toHaveURL(/\/runbooks\/sample-guided-change$/);
  await expect(page.getByRole("heading", { name: "Guided change with approval (sample)", level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: "Start a run" })).toHaveAttribute(
    "href",
    "/runbooks/sample-guided-change/start",
  );
  await expect(page.getByRole("table", { name: "Inputs" })).toContainText("Change ticket");

  const steps = page.getByRole("list", { name: "Steps" }).locator(":scope > li");
  await expect(steps).toHaveCount(4);
  await expect(steps.nth(0)).toContainText("ManualAnnounce the change");
  await expect(steps.nth(1)).toContainText("CheckKeel's audit trail verifies");
  await expect(steps.nth(2)).toContainText("ApprovalA lead approves the change");
  // Before any run, a value the run will be given reads as words, never as a raw template.
  await expect(steps.nth(3)).toContainText("ActionLet the chosen service settle");
  await expect(steps.nth(3)).toContainText("Only when step audit-before succeeded.");
  // Instructions are Markdown, rendered: the bold service name is a <strong>, the list a list.
  await expect(page.getByTestId("step-announce").locator("strong")).toHaveText("the chosen service");
  await expect(page.getByRole("list", { name: "Steps" })).not.toContainText("{{");
  await expect(page.getByTestId("step-announce").getByRole("listitem")).toHaveCount(2);

  const versions = page.getByRole("list", { name: "Versions" }).getByRole("listitem");
  await expect(versions).toHaveCount(2);
  await expect(versions.first()).toContainText("Version 2");
  await expect(versions.first()).toContainText("current");
  await expect(page.getByLabel("Compare version")).toHaveValue("1");
  await expect(page.getByLabel("with version")).toHaveValue("2");
  const diff = page.getByRole("table", { name: "Changes from version 1 to version 2" });
  await expect(diff.locator(".diff-line.removed")).toContainText(["default: 60"]);
  await expect(diff.locator(".diff-line.added")).toContainText([
    "default: 30",
    "- name: ticket",
    "type: string",
    "label: Change ticket",
    "required: false",
    "maxLength: 40",
  ]);

  // The other way round, and version 1's file as it was loaded.
  await page.getByLabel("Compare version").selectOption("2");
  await page.getByLabel("with version").selectOption("1");
  await expect(
    page.getByRole("table", { name: "Changes from version 2 to version 1" }).locator(".diff-line.removed"),
  ).toContainText(["default: 30"]);
  await versions.nth(1).getByRole("button", { name: "View file" }).click();
  await expect(page.getByLabel("File of version 1")).toContainText("default: 60");
});

test("a viewer reads a runbook but is not offered to start a run", async ({ page, browser }) => {
  const email = uniqueE2eEmail("viewer");
  const created = await trpcCall(
    page.request,
    "users.create",
    { email, name: "Vic Viewer", role: "viewer" },
    "mutation",
  );
  const oneTimePassword = rememberSecret(
    (created.body as { result: { data: { oneTimePassword: string } } }).result.data.oneTimePassword,
  );
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const viewer = await context.newPage();
  await signIn(viewer, email, oneTimePassword);
  await replaceOneTimePassword(viewer, oneTimePassword);

  await viewer.goto("/runbooks/verify-audit-trail");
  await expect(viewer.getByRole("heading", { name: "Verify the audit trail", level: 1 })).toBeVisible();
  await expect(viewer.getByRole("list", { name: "Steps" }).locator(":scope > li").first()).toContainText(
    "keel.audit-chain",
  );
  await expect(viewer.getByRole("link", { name: "Start a run" })).toHaveCount(0);
  await expect(viewer.getByText("Starting a run needs the responder role.")).toBeVisible();
  // File problems are for admins: the server refuses them to a viewer.
  expect((await trpcCall(viewer.request, "runbooks.fileProblems")).status).toBe(403);
  await context.close();
});

/**
 * Issue #16, "Fast where people wait": a page view asks for what it shows, not for every page it
 * links to (links no longer prefetch as they scroll into view).
 */
test("the home page and a run page each load with at most 15 requests besides build assets, none a prefetch", async ({
  page,
}) => {
  const started = await trpcCall(
    page.request,
    "runs.start",
    { runbookId: "verify-audit-trail", inputs: {}, requestKey: randomUUID() },
    "mutation",
  );
  expect(started.status).toBe(200);
  const { runId } = (started.body as { result: { data: { runId: string } } }).result.data;

  const requestsWhileViewing = async (path: string, heading: RegExp) => {
    const urls: string[] = [];
    const record = (request: Request) =>
      urls.push(`${request.headers()["next-router-prefetch"] ? "prefetch " : ""}${request.url()}`);
    page.on("request", record);
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    // Prefetches start once links are in view and the browser is idle: wait until the network is.
    await page.waitForLoadState("networkidle");
    page.off("request", record);
    return urls;
  };

  // The build's script and style chunks are content-hashed and cached for good; they are not counted.
  const ownRequests = (urls: string[]) =>
    urls.filter((url) => !new URL(url.replace(/^prefetch /, "")).pathname.startsWith("/_next/static/"));
  const home = await requestsWhileViewing("/", /^Hello, /);
  expect(ownRequests(home).length, home.join("\n")).toBeLessThanOrEqual(15);
  const run = await requestsWhileViewing(`/runs/${runId}`, /Verify the audit trail/);
  expect(ownRequests(run).length, run.join("\n")).toBeLessThanOrEqual(15);
  expect([...home, ...run].filter((url) => url.startsWith("prefetch "))).toEqual([]);
});

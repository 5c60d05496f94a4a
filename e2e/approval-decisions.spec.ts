import type { Page } from "@playwright/test";
import { expect, test } from "./support/test";
import { newPerson } from "./support/people";
import { snap } from "./support/screenshots";

/**
 * Issue #15, "no dead ends around approvals": a lead is never offered to skip an approval that the
 * next action needs (the page says so before anyone presses anything); a refusal ends the run
 * Refused, not Failed, and the starter starts again with the inputs filled in; an aborted run and
 * the steps it stopped say "Cancelled" alike.
 */
async function startBroadRange(page: Page, ip: string, reason: string) {
  await page.goto("/runbooks/whitelist-ip/start");
  // Every text on the start page reads with what is chosen so far, never as a raw template.
  const outline = page.getByRole("list").filter({ hasText: "Add the entry to" });
  await expect(outline).toContainText("Add the entry to the chosen allowlist");
  await expect(page.getByText("allowlist:the chosen allowlist")).toBeVisible();
  await expectNoRawTemplates(page);
  await page.getByLabel("IP address or range").fill(ip);
  await page.getByLabel("Reason").fill(reason);
  await page.getByLabel("Allowlist").selectOption("demo-allowlist");
  await expect(outline).toContainText("Add the entry to demo-allowlist");
  await expect(page.getByText("allowlist:demo-allowlist")).toBeVisible();
  await expectNoRawTemplates(page);
  await page.getByRole("button", { name: "Start the run" }).click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  await page.getByLabel(/Evidence|Note/).fill("INC-9: partner blocked");
  await page.getByRole("button", { name: "Mark done" }).click();
  await expect(page.getByTestId("run-status")).toHaveText("Waiting for approval");
  await expectNoRawTemplates(page);
}

async function expectNoRawTemplates(page: Page) {
  expect(await page.locator("body").innerText()).not.toContain("{{");
}

test("a lead cannot skip an approval the next step needs; a refusal ends the run Refused and the starter starts again with the same inputs", async ({
  browser,
  page: admin,
}) => {
  const responder = await newPerson(browser, admin.request, "responder", "Rita Responder");
  const lead = await newPerson(browser, admin.request, "lead", "Leo Lead");
  const r = responder.page;
  const l = lead.page;
  const reason = "Partner data centre blocked on /api/v1/orders";

  await startBroadRange(r, "10.20.0.0/14", reason);
  const runUrl = r.url();

  // The lead sees Approve and Refuse, no Skip, and why: the next step depends on this approval.
  await l.goto(runUrl);
  const current = l.getByTestId("current-step");
  await expect(current.getByRole("button", { name: "Approve" })).toBeVisible();
  await expect(current.getByRole("button", { name: "Refuse…" })).toBeVisible();
  await expect(l.getByRole("button", { name: /^Skip/ })).toHaveCount(0);
  await expect(current.getByTestId("approval-needed-by")).toHaveText(
    "This approval cannot be skipped: “Add the entry to demo-allowlist” must not run without it.",
  );

  await snap(l, "approval-not-skippable");
  await current.getByRole("button", { name: "Refuse…" }).click();
  await expect(current.getByText("Refusing ends the run")).toBeVisible();
  await l.getByLabel("Why do you refuse?").fill("Too broad: ask the partner for their /24");
  await current.getByRole("button", { name: "Refuse", exact: true }).click();

  // Refused is its own ending: not Failed, no "ask a lead to skip it", nothing left to press but starting again.
  for (const page of [l, r]) {
    await expect(page.getByTestId("run-status")).toHaveText("Refused");
    await expect(page.getByTestId("run-banner")).toContainText(
      `An approver refused this run (refused by ${lead.email}: Too broad: ask the partner for their /24). Nothing more runs.`,
    );
    await expect(page.getByTestId("run-banner")).not.toContainText("skip");
    await expect(page.getByTestId("step-lead-approval")).toContainText("Refused");
    await expect(page.getByRole("button", { name: /^Execute/ })).toHaveCount(0);
  }
  await snap(r, "run-refused");
  await expect(r.getByRole("button", { name: "Abort run…" })).toHaveCount(0);

  // Starting again: the form holds the refused run's inputs; the starter narrows the range.
  await r.getByTestId("start-again").click();
  await expect(r).toHaveURL(/\/runbooks\/whitelist-ip\/start\?from=/);
  await expect(r.getByTestId("start-again-from")).toContainText(/Filled in from run \d+ \(refused\)/);
  await expect(r.getByLabel("IP address or range")).toHaveValue("10.20.0.0/14");
  await expect(r.getByLabel("Reason")).toHaveValue(reason);
  await expect(r.getByLabel("Allowlist")).toHaveValue("demo-allowlist");
  await expect(r.getByLabel("Expires after")).toHaveValue("1d"); // the run stored 24h normalised
  await snap(r, "start-again");

  // An abort: the run and every step it stopped say Cancelled, none says Skipped.
  await startBroadRange(r, "10.24.0.0/14", reason);
  await r.getByRole("button", { name: "Abort run…" }).click();
  await r.getByLabel("Why are you aborting?").fill("The partner fixed it on their side");
  await r.getByRole("button", { name: "Abort and undo" }).click();
  await expect(r.getByTestId("run-status")).toHaveText("Cancelled");
  await expect(r.getByTestId("run-banner")).toContainText(
    "This run was cancelled: The partner fixed it on their side.",
  );
  await expect(r.getByTestId("step-lead-approval")).toContainText("Cancelled");
  await expect(r.getByTestId("step-lead-approval")).toContainText("not run: the run was cancelled");
  await expect(r.getByText("Skipped", { exact: true })).toHaveCount(0);
  await snap(r, "run-cancelled");

  await responder.context.close();
  await lead.context.close();
});

import { readFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import { expect, test } from "./support/test";
import { e2eDemoRoot } from "./support/data-dir";
import { newPerson } from "./support/people";

/**
 * Issue "The four runbooks", whitelist-ip: a responder allows a narrow range in the demo
 * allowlist (a real nginx include file under the e2e console's data directory) without an
 * approval; a broad range waits for a lead's approval in another browser.
 */
const demoAllowFile = () => readFileSync(path.join(e2eDemoRoot(), "nginx", "keel-allowlist.conf"), "utf8");

async function startWhitelist(page: Page, ip: string, reason: string) {
  await page.goto("/runbooks/whitelist-ip/start");
  await expect(page.getByRole("heading", { name: /Start: / })).toBeVisible();
  await page.getByLabel("IP address or range").fill(ip);
  await page.getByLabel("Reason").fill(reason);
  await expect(page.getByLabel("Expires after")).toHaveValue("24h");
  await page.getByLabel("Allowlist").selectOption("demo-allowlist");
  await page.getByRole("button", { name: "Start the run" }).click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("live-indicator")).toHaveText("Live");
  await expect(
    page.getByTestId("current-step").getByRole("heading", { name: /Confirm the blocked traffic is legitimate/ }),
  ).toBeVisible();
  await page.getByLabel(/Evidence|Note/).fill(`INC-7: ${reason}`);
  await page.getByRole("button", { name: "Mark done" }).click();
}

test("a responder allows a narrow range in the demo allowlist; a broad one waits for a lead", async ({
  browser,
  page: admin,
}) => {
  const responder = await newPerson(browser, admin.request, "responder", "Ola On-call");
  const lead = await newPerson(browser, admin.request, "lead", "Lia Lead");
  const r = responder.page;
  const octet = 1 + Math.floor(Math.random() * 250);
  const narrow = `198.51.100.${octet}`;

  await startWhitelist(r, narrow, "Acme office NAT blocked on /api/v1/events");
  // Narrow: no approval; the plan says exactly which line goes into the file before anything changes.
  await expect(r.getByTestId("run-status")).toHaveText("Waiting for an operator");
  await expect(r.getByTestId("step-classify")).toContainText(`${narrow}/32 is a narrow range`);
  const plan = r.getByTestId("current-step").getByTestId("plan");
  await expect(plan).toContainText(`Allow ${narrow}/32 (1 address) in "demo-allowlist"`);
  await expect(plan).toContainText(
    new RegExp(`allow ${narrow.replace(/\./g, "\\.")}/32; # [0-9a-f-]{36} added by Keel run \\d+ expires \\S+Z`),
  );
  expect(demoAllowFile()).not.toContain(`allow ${narrow}/32;`);
  await r.getByRole("button", { name: /^Execute: / }).click();

  // Executed and verified; the last step tells the responder what happens next.
  await expect(
    r.getByTestId("current-step").getByRole("heading", { name: /Tell the reporter and watch the 429s/ }),
  ).toBeVisible({ timeout: 30_000 });
  await expect(r.getByTestId("current-step")).toContainText(`${narrow}/32 is allowed in demo-allowlist until`);
  const added = r.getByTestId("step-add");
  await expect(added).toContainText(`Allowed ${narrow}/32 in "demo-allowlist"`);
  await added.getByRole("button", { name: "Show output" }).click();
  await expect(added.getByLabel("Step output")).toContainText(
    `Verified: ${narrow}/32 is in its one sink of "demo-allowlist"`,
  );
  await r.getByRole("button", { name: "Mark done" }).click();
  await expect(r.getByTestId("run-status")).toHaveText("Succeeded");

  // The real effect: the demo's nginx include file holds the line.
  const lines = demoAllowFile().split("\n");
  expect(lines.filter((line) => line.startsWith(`allow ${narrow}/32; # `))).toHaveLength(1);

  // Broad: the run stops for a lead's approval; the responder cannot give it.
  await startWhitelist(r, "172.16.0.0/12", "Partner data centre during their migration");
  await expect(r.getByTestId("run-status")).toHaveText("Waiting for approval");
  await expect(r.getByTestId("step-classify")).toContainText("172.16.0.0/12 is a broad range");
  await expect(r.getByTestId("run-banner")).toContainText("someone other than you");
  await expect(r.getByRole("button", { name: "Approve" })).toHaveCount(0);
  const runUrl = r.url();

  const l = lead.page;
  await l.goto(runUrl);
  const covered = l.getByTestId("plan");
  await expect(covered).toContainText("172.16.0.0/12 is a broad range");
  await expect(covered).toContainText(/allow 172\.16\.0\.0\/12; # [0-9a-f-]{36} added by Keel run \d+ expires/);
  expect(demoAllowFile()).not.toContain("allow 172.16.0.0/12;");
  await l.getByRole("button", { name: "Approve" }).click();

  await expect(r.getByTestId("run-status")).toHaveText("Waiting for an operator");
  await r.getByRole("button", { name: /^Execute: / }).click();
  await expect(r.getByTestId("current-step").getByRole("heading", { name: /Tell the reporter/ })).toBeVisible({
    timeout: 30_000,
  });
  expect(demoAllowFile()).toContain("allow 172.16.0.0/12; # ");
  await responder.context.close();
  await lead.context.close();
});

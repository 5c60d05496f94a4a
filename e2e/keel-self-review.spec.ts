import { expect, test, type Page } from "@playwright/test";
import { addDays, todayUtc } from "../lib/checklists/dates";
import { BASE_URL } from "./support/config";
import { trpcCall } from "./support/session";

/**
 * Issue "Keel hardened by its own playbooks": Keel's own "Service hardening review", applied to
 * the running console. An admin makes the checklist for the service "keel" at Keel's own URL and
 * runs every check Keel can make about itself (health, migrations, its own backups, headers,
 * request ids, the audit chain); each one passes against this very console. The
 * items Keel closes by code without a probe are recorded, with their evidence, in
 * runbooks/reviews/keel-service-hardening.yaml (held to the template by keel-self-review.test.ts).
 */

const SELF_VERIFIED = [
  { title: "Database migrations run in production, and every committed migration is applied", seen: `${BASE_URL}/api/healthz answered 200.` },
  { title: "Database backups automated, the newest younger than a day", seen: "The newest backup of keel (keel-" },
  { title: "Deep health check (database, migrations, queue) answers 200", seen: `${BASE_URL}/api/healthz answered 200.` },
  { title: "HSTS and a Content-Security-Policy on the service's own URL", seen: `${BASE_URL}/sign-in answered 200 with strict-transport-security, content-security-policy.` },
  { title: "Every response carries a request id that the logs repeat", seen: `${BASE_URL}/api/healthz answered 200 with x-request-id.` },
  { title: "The audit trail verifies end to end", seen: "The audit chain verifies:" },
];

const item = (page: Page, title: string) => page.getByRole("listitem", { name: title, exact: true });

type Stored = { items: { title: string; priority: string; status: string; lastResult: { passed: boolean } | null }[] };

test("Keel's own service hardening review: every check Keel can make about itself passes on the running console", async ({ page }) => {
  await page.goto("/checklists");
  await page.getByRole("button", { name: "New checklist" }).click();
  await page.getByLabel("Template").selectOption({ label: "Service hardening review (v1, 32 items)" });
  await page.getByLabel("Name", { exact: true }).fill("Keel service hardening review");
  await page.getByLabel("Service", { exact: true }).fill("keel");
  await page.getByLabel("Service URL").fill(BASE_URL);
  await page.getByLabel("Launch date").fill(addDays(todayUtc(), 30));
  await page.getByRole("button", { name: "Create checklist" }).click();
  await expect(page).toHaveURL(/\/checklists\/[0-9a-f-]{36}$/);
  const checklistId = page.url().split("/").pop()!;
  await expect(page.getByRole("heading", { name: "Keel service hardening review", level: 1 })).toBeVisible();

  for (const { title, seen } of SELF_VERIFIED) {
    const row = item(page, title);
    await expect(row.getByTestId("item-check")).toContainText("Not run yet.");
    await row.getByRole("button", { name: "Run check" }).click();
    await expect(row.getByTestId("item-status")).toHaveText("Done");
    await expect(row.getByTestId("item-check")).toContainText("passed");
    await expect(row.getByTestId("item-check")).toContainText(seen);
  }
  await page.screenshot({ path: "test-results/keel-self-review.png", fullPage: true });

  const stored = ((await trpcCall(page.request, "checklists.get", { checklistId })).body as { result: { data: Stored } }).result.data;
  for (const { title } of SELF_VERIFIED) {
    expect(stored.items.find((i) => i.title === title), title).toMatchObject({ status: "done", lastResult: { passed: true } });
  }
});

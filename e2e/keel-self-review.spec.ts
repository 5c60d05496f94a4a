import { readFileSync } from "node:fs";
import type { Page } from "@playwright/test";
import { expect, test } from "./support/test";
import { parse } from "yaml";
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
  {
    title: "Database migrations run in production, and every committed migration is applied",
    seen: `${BASE_URL}/api/healthz answered 200.`,
  },
  { title: "Database backups automated, the newest younger than a day", seen: "The newest backup of keel (keel-" },
  {
    title: "Deep health check (database, migrations, queue) answers 200",
    seen: `${BASE_URL}/api/healthz answered 200.`,
  },
  {
    title: "HSTS and a Content-Security-Policy on the service's own URL",
    seen: `${BASE_URL}/sign-in answered 200 with strict-transport-security, content-security-policy.`,
  },
  {
    title: "Every response carries a request id that the logs repeat",
    seen: `${BASE_URL}/api/healthz answered 200 with x-request-id.`,
  },
  { title: "The audit trail verifies end to end", seen: "The audit chain verifies:" },
];

const item = (page: Page, title: string) => page.getByRole("listitem", { name: title, exact: true });

type Stored = {
  items: {
    id: string;
    key: string;
    title: string;
    priority: string;
    status: string;
    lastResult: { passed: boolean } | null;
  }[];
};
type ReviewEntry = { id: string; status: "done" | "not_applicable" | "open"; how: string; evidence: string[] };
const review = parse(readFileSync("runbooks/reviews/keel-service-hardening.yaml", "utf8")) as { items: ReviewEntry[] };

test("Keel's own service hardening review: every check Keel can make about itself passes on the running console", async ({
  page,
}) => {
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

  const stored = (
    (await trpcCall(page.request, "checklists.get", { checklistId })).body as { result: { data: Stored } }
  ).result.data;
  for (const { title } of SELF_VERIFIED) {
    expect(
      stored.items.find((i) => i.title === title),
      title,
    ).toMatchObject({ status: "done", lastResult: { passed: true } });
  }

  // The critical items no probe can check are closed with the review's evidence; the gate opens.
  const manual = stored.items.filter((i) => i.priority === "critical" && i.status !== "done");
  expect(manual.length).toBeGreaterThan(0);
  for (const open of manual) {
    const entry = review.items.find((e) => e.id === open.key)!;
    expect(entry.status, open.key).not.toBe("open");
    const note = `${entry.how} Proved by ${entry.evidence.join(", ")} (runbooks/reviews/keel-service-hardening.yaml).`;
    const updated = await trpcCall(
      page.request,
      "checklists.updateItem",
      {
        itemId: open.id,
        status: entry.status,
        ...(entry.status === "not_applicable" ? { reason: entry.how } : {}),
        evidence: { kind: "note", note },
      },
      "mutation",
    );
    expect(updated.status, open.key).toBe(200);
  }
  await page.reload();
  await expect(page.getByTestId("gate-label")).toHaveText("Ready");
  await expect(item(page, "Secrets are never logged (tokens, passwords)")).toContainText("test/support/secret-scan.ts");
  await page.getByTestId("readiness-gate").screenshot({ path: "test-results/keel-self-review-ready.png" });
});

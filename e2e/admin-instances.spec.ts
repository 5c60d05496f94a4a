import os from "node:os";
import { expect, test } from "@playwright/test";
import { version } from "../package.json";

/**
 * Issue #17, "Steps run where their targets are": an admin sees which instances are alive, their
 * worker groups, versions and what they execute. The journeys' server is one instance started
 * with KEEL_WORKER_GROUPS=e2e-edge (scripts/e2e-server.ts).
 */
test("an admin sees the running instance with its worker groups and version", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).first().getByRole("link", { name: "Instances" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Instances" })).toBeVisible();

  const table = page.getByRole("table", { name: "Instances" });
  const row = table.getByRole("row").filter({ hasText: os.hostname() }).filter({ hasText: "Alive" });
  await expect(row).toHaveCount(1);
  await expect(row.getByRole("cell").nth(2)).toHaveText(/^e2e-edge\d+ workers per queue: e2e-edge, steps without a group$/);
  await expect(row.getByRole("cell").nth(3)).toHaveText(version);
  await expect(row.getByRole("cell").nth(4)).toHaveText(/Nothing|step /);
});

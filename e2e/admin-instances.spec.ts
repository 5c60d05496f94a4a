import { randomBytes, randomUUID } from "node:crypto";
import os from "node:os";
import { expect, test } from "./support/test";
import { version } from "../package.json";
import { trpcCall } from "./support/session";

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
  await expect(row.getByRole("cell").nth(2)).toHaveText(
    /^e2e-edge\d+ workers per queue: e2e-edge, steps without a group$/,
  );
  await expect(row.getByRole("cell").nth(3)).toHaveText(version);
  await expect(row.getByRole("cell").nth(4)).toHaveText(/Nothing|step /);
});

test("a run whose next step needs a worker group no instance serves says so on its page", async ({ page }) => {
  const name = `e2e-far-${randomBytes(3).toString("hex")}`;
  const config = "workerGroup: e2e-nowhere\nsinks:\n  - type: file\n    path: /tmp/keel-e2e-far-allowlist.conf\n";
  expect(
    (await trpcCall(page.request, "targets.save", { mode: "create", kind: "allowlist", name, config }, "mutation"))
      .status,
  ).toBe(200);
  const inputs = {
    ip: "203.0.113.9",
    reason: "e2e: a step for a worker group nobody serves",
    expiry: "1h",
    allowlist: name,
  };
  const started = await trpcCall(
    page.request,
    "runs.start",
    { runbookId: "whitelist-ip", inputs, requestKey: randomUUID() },
    "mutation",
  );
  expect(started.status).toBe(200);
  const { runId } = (started.body as { result: { data: { runId: string } } }).result.data;
  // The manual step is done; the next one checks the allowlist, which only e2e-nowhere's instances may do.
  expect(
    (await trpcCall(page.request, "runs.confirm", { runId, stepId: "confirm-legitimate" }, "mutation")).status,
  ).toBe(200);

  await page.goto(`/runs/${runId}`);
  await expect(page.getByTestId("run-instance-wait")).toHaveText(
    "Waiting for an instance of worker group e2e-nowhere: none is running. Start one with KEEL_WORKER_GROUPS=e2e-nowhere.",
  );
  expect(
    (await trpcCall(page.request, "runs.abort", { runId, reason: "e2e: nobody serves its worker group" }, "mutation"))
      .status,
  ).toBe(200);
});

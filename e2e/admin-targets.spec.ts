import { randomBytes } from "node:crypto";
import type { Page } from "@playwright/test";
import { expect, test } from "./support/test";
import { trpcCall } from "./support/session";
import { rememberSecret } from "../test/support/secrets-used";

/**
 * Issue "The four runbooks", shared ground: an admin manages secrets and targets, and sees the
 * demo environment. The demo environment is left in place: later journeys run against it.
 */

/**
 * A valid config per target kind, for adding one through the form. Kinds are registered by the
 * runbooks' own modules; a kind listed here is one this journey knows how to configure.
 */
const E2E_TARGET_CONFIGS: Record<string, string> = {
  // An allowlist whose one sink is a file; adding the target writes nothing (only runs do).
  allowlist: "sinks:\n  - type: file\n    path: /tmp/keel-e2e-admin-allowlist.conf\n",
};

type Kind = { kind: string; label: string; keys: { key: string; required: boolean }[] };

async function registeredKinds(page: Page): Promise<Kind[]> {
  const response = await trpcCall(page.request, "targets.kinds");
  expect(response.status).toBe(200);
  return (response.body as { result: { data: Kind[] } }).result.data;
}

async function openAdminPage(page: Page, label: "Targets" | "Secrets") {
  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).first().getByRole("link", { name: label }).click();
  await expect(page.getByRole("heading", { level: 1, name: label })).toBeVisible();
}

test("an admin stores a typed secret and afterwards sees only its fingerprint, never the value", async ({ page }) => {
  const name = `e2e-api-key-${randomBytes(3).toString("hex")}`;
  const value = rememberSecret(`e2e-typed-${randomBytes(16).toString("base64url")}`);

  await openAdminPage(page, "Secrets");
  await page.getByRole("button", { name: "Add secret" }).click();
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Description", { exact: true }).fill("Payments API key (e2e)");
  await expect(page.getByLabel("I have the value: type it once")).toBeChecked();
  const valueField = page.getByLabel("Secret value");
  await expect(valueField).toHaveAttribute("type", "password");
  await valueField.fill(value);
  await page.getByRole("button", { name: "Store secret" }).click();

  const created = page.getByTestId("secret-created");
  await expect(created).toContainText(`Secret ${name} stored`);
  const fingerprint = (await created.locator("code").textContent())!.trim();
  expect(fingerprint).toMatch(/^hmac-sha256:[0-9a-f]{32}$/);
  const row = page.getByTestId(`secret-row-${name}`);
  await expect(row).toContainText("current");
  await expect(row).toContainText(fingerprint);
  await expect(row).toContainText("None in progress");
  expect(await page.content()).not.toContain(value);

  // Sending it again under the same name is refused, and the value field is emptied all the same.
  await page.getByRole("button", { name: "Add secret" }).click();
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Secret value").fill(value);
  await page.getByRole("button", { name: "Store secret" }).click();
  await expect(page.getByText("A managed secret with this name already exists.")).toBeVisible();
  await expect(page.getByLabel("Secret value")).toHaveValue("");
  expect(await page.content()).not.toContain(value);

  // A fresh load, and what the server sends any page, hold the fingerprint but not the value.
  await page.reload();
  await expect(page.getByTestId(`secret-row-${name}`)).toContainText(fingerprint);
  expect(await page.content()).not.toContain(value);
  const listed = await trpcCall(page.request, "secrets.list");
  expect(JSON.stringify(listed.body)).toContain(fingerprint);
  expect(JSON.stringify(listed.body)).not.toContain(value);

  // On a phone the list reads as stacked rows, with nothing running off the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByTestId(`secret-row-${name}`)).toContainText(fingerprint);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});

test("an admin adds a target through the form; a bad config names its field", async ({ page }) => {
  const kinds = await registeredKinds(page);
  const kind = kinds.find((k) => E2E_TARGET_CONFIGS[k.kind] !== undefined);
  expect(
    kind,
    `an example config in E2E_TARGET_CONFIGS for one of the registered kinds (${kinds.map((k) => k.kind).join(", ")})`,
  ).toBeDefined();
  const required = kind!.keys.find((key) => key.required);
  const name = `e2e-${kind!.kind}-${randomBytes(3).toString("hex")}`.slice(0, 60);

  await openAdminPage(page, "Targets");
  await page.getByRole("button", { name: "Add target" }).click();
  await page.getByLabel("Kind", { exact: true }).selectOption(kind!.kind);
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Description", { exact: true }).fill("Added by the e2e journey");
  if (required) {
    await page.getByLabel("Configuration (YAML)").fill("");
    await page.getByRole("button", { name: "Add target" }).last().click();
    await expect(page.getByText(`config.${required.key}:`)).toBeVisible();
  }
  await page.getByLabel("Configuration (YAML)").fill(E2E_TARGET_CONFIGS[kind!.kind]!);
  await page.getByRole("button", { name: "Add target" }).last().click();
  await expect(page.getByRole("status")).toContainText(`${name} added.`);
  const row = page.getByTestId(`target-row-${kind!.kind}-${name}`);
  await expect(row).toContainText("Admin page");
  await expect(row).toContainText("Added by the e2e journey");
});

test("an admin sees the demo environment panel and is asked before removing it", async ({ page }) => {
  await openAdminPage(page, "Targets");
  const panel = page.getByTestId("demo-panel");
  await expect(panel.getByRole("heading", { name: "Demo environment" })).toBeVisible();
  await expect(panel).toContainText("Demo: present");
  await expect(panel).toContainText(/Created on \d+ \w+ \d{4}/);

  // The first click only asks; keeping it leaves it present (later journeys use it).
  await panel.getByRole("button", { name: "Remove demo environment…" }).click();
  const confirm = panel.getByRole("alertdialog");
  await expect(confirm).toContainText("Remove the demo environment?");
  await expect(confirm.getByRole("button", { name: "Yes, remove the demo environment" })).toBeVisible();
  await confirm.getByRole("button", { name: "Keep it" }).click();
  await expect(panel.getByRole("alertdialog")).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId("demo-panel")).toContainText("Demo: present");

  // Demo targets, when this build has any, are labelled as such in the lists.
  const status = await trpcCall(page.request, "demo.status");
  const targets = (status.body as { result: { data: { targets: { kind: string; name: string }[] } } }).result.data
    .targets;
  for (const target of targets)
    await expect(page.getByTestId(`target-row-${target.kind}-${target.name}`)).toContainText("Demo");
});

test("an admin sees Keel's own database as a built-in target with its last self-backup", async ({ page }) => {
  await openAdminPage(page, "Targets");
  const row = page.getByTestId("target-row-database-keel");
  await expect(row).toContainText("Built in");
  await expect(row).toContainText("Keel's own database, backed up by Keel every 24 h");
  await expect(row).toContainText("never a restore destination");
  // Keel backs itself up at start; the row shows it once it is done (a reload re-reads the list).
  await expect(async () => {
    await page.reload();
    await expect(row.getByTestId("self-backup-status")).toContainText(
      /Last backup .+: keel-\d{8}T\d{6}Z-[0-9a-f]{8}\.(sql|dump) \(/,
      { timeout: 2_000 },
    );
  }).toPass({ timeout: 60_000 });
  await expect(row.getByTestId("self-backup-status")).not.toContainText("Last attempt failed");
  await row.screenshot({ path: "test-results/self-backup-row.png" });
});

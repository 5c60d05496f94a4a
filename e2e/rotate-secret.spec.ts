import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "./support/test";
import { fingerprintSecret } from "../server/audit/fingerprint";
import { envValueOf } from "../server/secrets/consumers/env-file";
import { TEST_KEYS } from "../test/support/test-keys";
import { e2eDemoRoot } from "./support/data-dir";
import { newPerson } from "./support/people";
import { snap } from "./support/screenshots";

/** The demo service's .env, which the demo environment's consumer target `demo-api-key-env` writes. */
function demoApiKeyOnDisk(): string {
  const value = envValueOf(readFileSync(path.join(e2eDemoRoot(), "service", ".env"), "utf8"), "DEMO_API_KEY");
  if (!value) throw new Error("the demo service's .env has no DEMO_API_KEY");
  return value;
}

/**
 * Issue "The four runbooks", part 2: a responder rotates the demo API key with the rotate-secret
 * runbook, a lead approves the promotion; the page shows fingerprints only, and the demo
 * service's .env on disk now holds the value whose fingerprint the page shows.
 */
test("a responder rotates demo-api-key, a lead approves the switch, and the service's .env holds the new value", async ({
  browser,
  page: admin,
}) => {
  const responder = await newPerson(browser, admin.request, "responder", "Rhea Rotator");
  const lead = await newPerson(browser, admin.request, "lead", "Leo Lead");
  const before = demoApiKeyOnDisk();
  const r = responder.page;

  await r.goto("/runbooks/rotate-secret/start");
  await expect(r.getByRole("heading", { name: /Start: / })).toBeVisible();
  await r.getByLabel("Secret").selectOption("demo-api-key");
  await r.getByRole("button", { name: "Start the run" }).click();
  await expect(r).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  const runUrl = r.url();
  await expect(r.getByTestId("live-indicator")).toHaveText("Live");

  const now = r.getByTestId("current-step");
  // Phase 1: the plan says what will change before anything does.
  await expect(now.getByRole("heading", { name: "Now: Create a new value for demo-api-key" })).toBeVisible();
  await expect(now.getByTestId("plan")).toContainText("labelled pending");
  await now.getByRole("button", { name: /^Execute: / }).click();

  // Phase 2: the plan names the consumer and what it holds, by fingerprint.
  await expect(
    now.getByRole("heading", { name: "Now: Give the new value to every service using demo-api-key" }),
  ).toBeVisible();
  const plan = now.getByTestId("plan");
  await expect(plan).toContainText("consumer demo-api-key-env");
  await expect(plan).toContainText(`current v1 (${fingerprintSecret(before, TEST_KEYS.AUDIT_HMAC_KEY)})`);
  await now.getByRole("button", { name: /^Execute: / }).click();

  // The acceptance check runs by itself, but the demo's consumer has no acceptance probe: it verified
  // nothing, so it does not turn green; the responder checks by hand and says what they saw. Two
  // background steps run first; on a loaded machine that can take longer than the default 10 s.
  await expect(now.getByRole("heading", { name: "Now: Every service accepts the new value" })).toBeVisible({
    timeout: 30_000,
  });
  await expect(r.getByTestId("run-status")).toHaveText("Waiting for an operator");
  const written = demoApiKeyOnDisk();
  expect(written).not.toBe(before);
  const fingerprint = fingerprintSecret(written, TEST_KEYS.AUDIT_HMAC_KEY);
  await expect(now.getByTestId("check-unverified")).toHaveText(
    `Keel could not verify this by itself: The consumer demo-api-key-env of demo-api-key has no acceptance probe, so nobody has verified that it accepts pending v2 (${fingerprint}). It stays unconfirmed until someone checks by hand and says what they saw.`,
  );
  await expect(r.getByTestId("step-consumers-accept")).not.toContainText("Done");
  await snap(r, "check-unverified");
  await now.getByRole("button", { name: "Confirm: checked by hand" }).click();
  await expect(now.getByText("Say what you checked by hand: add a note or a link.")).toBeVisible();
  await r
    .getByLabel("Evidence: what you checked by hand")
    .fill("Reloaded demo-web; a request with the new key answered 200.");
  await now.getByRole("button", { name: "Confirm: checked by hand" }).click();

  // Then the promotion waits for a lead, who sees what Keel did not verify itself.
  await expect(r.getByTestId("run-status")).toHaveText("Waiting for approval");
  await expect(r.getByTestId("step-consumers-accept")).toContainText("checked by hand, not by Keel");

  const l = lead.page;
  await l.goto(runUrl);
  await expect(l.getByTestId("live-indicator")).toHaveText("Live");
  await expect(l.getByTestId("plan").first()).toContainText(
    `Make v2 (${fingerprint}) the current value of demo-api-key`,
  );
  await expect(l.getByTestId("approval-checked-by-hand")).toContainText(
    `“Every service accepts the new value”: The consumer demo-api-key-env of demo-api-key has no acceptance probe, so nobody has verified that it accepts pending v2 (${fingerprint}). Checked by hand by ${responder.email}: Reloaded demo-web; a request with the new key answered 200.`,
  );
  await snap(l, "approval-sees-checked-by-hand");
  await l.getByRole("button", { name: "Approve" }).click();

  // Phase 4 and 5: the responder's page moves on without a reload.
  await expect(now.getByRole("heading", { name: "Now: Switch demo-api-key to the new value" })).toBeVisible();
  await now.getByRole("button", { name: /^Execute: / }).click();
  await expect(
    now.getByRole("heading", { name: "Now: Retire the old value when its grace period ends" }),
  ).toBeVisible();
  await expect(now.getByTestId("plan")).toContainText("stays accepted for 24 h after promotion");
  await now.getByRole("button", { name: /^Execute: / }).click();
  await expect(r.getByTestId("run-status")).toHaveText("Succeeded", { timeout: 30_000 });
  await expect(l.getByTestId("run-status")).toHaveText("Succeeded", { timeout: 30_000 });

  // The page shows the new value's fingerprint, never a value; the file on disk holds that value.
  const page = r.locator("main");
  await expect(page).toContainText(`Created pending v2 (${fingerprint})`);
  await expect(page).toContainText(`v2 (${fingerprint}) is now the current value of demo-api-key`);
  expect(demoApiKeyOnDisk()).toBe(written);
  const shown = await page.innerText();
  expect(shown).not.toContain(written);
  expect(shown).not.toContain(before);
  const history = r.getByRole("list", { name: "Run history" });
  await expect(history).toContainText(/Approved/);
  await expect(history).toContainText(/Run finished/);
  await responder.context.close();
  await lead.context.close();
});

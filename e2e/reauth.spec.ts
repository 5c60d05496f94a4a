import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { E2E_DATABASE_URL_FILE, E2E_DRIVER } from "./support/config";
import { newPerson } from "./support/people";
import { trpcCall } from "./support/session";

/**
 * Issue "Keel hardened by its own playbooks", re-authentication (OWASP ASVS 5.0 §7): a responder
 * whose sign-in is older than 15 minutes is asked for the password before promoting a secret,
 * enters it on the run page, and the promotion goes ahead.
 *
 * The sign-in is made old in the console's own database (no page can make time pass): this
 * needs the PostgreSQL run, where the journey can reach that database while the console runs.
 * Embedded PGlite allows one process at a time, so the journey cannot age a session there.
 */
test.skip(E2E_DRIVER === "pglite", "ageing a session needs the console's database, which embedded PGlite does not share with another process");

async function onKeelDatabase<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: readFileSync(E2E_DATABASE_URL_FILE, "utf8").trim() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Moves the person's open sessions' last proof of identity `minutes` into the past. */
async function signedInMinutesAgo(email: string, minutes: number): Promise<void> {
  const aged = await onKeelDatabase((c) =>
    c.query("update sessions set authenticated_at = now() - make_interval(mins => $2) where revoked_at is null and user_id = (select id from users where email = $1)", [email, minutes]),
  );
  expect(aged.rowCount).toBeGreaterThan(0);
}

test("a responder whose sign-in is old is asked for the password before promoting a secret, enters it, and the promotion proceeds", async ({ browser, page: admin }) => {
  test.setTimeout(120_000);
  const secret = `reauth-key-${Date.now().toString(36)}`;
  const created = await trpcCall(admin.request, "secrets.create", { name: secret, description: "Re-authentication journey", policy: { length: 32, alphabet: "base64url" }, gracePeriodHours: 1 }, "mutation");
  expect(created.status).toBe(200);
  const responder = await newPerson(browser, admin.request, "responder", "Rosa Responder");
  const lead = await newPerson(browser, admin.request, "lead", "Lars Lead");
  const r = responder.page;

  await r.goto("/runbooks/rotate-secret/start");
  await r.getByLabel("Secret").selectOption(secret);
  await r.getByRole("button", { name: "Start the run" }).click();
  await expect(r).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  const runUrl = r.url();
  const now = r.getByTestId("current-step");
  await expect(now.getByRole("heading", { name: `Now: Create a new value for ${secret}` })).toBeVisible();
  await now.getByRole("button", { name: /^Execute: / }).click();
  await expect(now.getByRole("heading", { name: `Now: Give the new value to every service using ${secret}` })).toBeVisible();
  await now.getByRole("button", { name: /^Execute: / }).click();
  await expect(r.getByTestId("run-status")).toHaveText("Waiting for approval", { timeout: 30_000 });

  // The lead signed in a moment ago: approving the promotion goes ahead without a question.
  await lead.page.goto(runUrl);
  await lead.page.getByRole("button", { name: "Approve" }).click();
  await expect(now.getByRole("heading", { name: `Now: Switch ${secret} to the new value` })).toBeVisible({ timeout: 30_000 });

  // The responder signed in 20 minutes ago: the promotion asks for the password first, and nothing changes yet.
  await signedInMinutesAgo(responder.email, 20);
  await now.getByRole("button", { name: /^Execute: / }).click();
  const prompt = now.getByRole("form", { name: "Confirm it is you" });
  await expect(prompt).toBeVisible();
  await expect(prompt).toContainText(`Executing “Switch ${secret} to the new value” (Promote the pending value to current)`);
  await expect(prompt).toContainText(/is a high-risk action: enter your password again to confirm it is you\. You last signed in 20 minutes ago; Keel asks again after 15 minutes\./);
  await expect(r.getByTestId("run-status")).toHaveText("Waiting for an operator");
  await expect(now.getByRole("button", { name: /^Execute: / })).toBeHidden();
  await now.screenshot({ path: `test-results/reauth-prompt-${E2E_DRIVER}.png` });

  // A wrong password is refused next to the field; the right one lets the promotion through.
  await prompt.getByLabel("Your password").fill("not-my-password-at-all");
  await prompt.getByRole("button", { name: "Confirm and continue" }).click();
  await expect(prompt.getByRole("alert")).toHaveText("That is not your password. Try again.");
  await prompt.getByLabel("Your password").fill(responder.password);
  await prompt.getByRole("button", { name: "Confirm and continue" }).click();
  await expect(prompt).toBeHidden();
  await expect(now.getByRole("heading", { name: "Now: Retire the old value when its grace period ends" })).toBeVisible({ timeout: 30_000 });
  await expect(r.locator("main")).toContainText(`is now the current value of ${secret}`);

  // Retiring the old value is not high-risk: it goes ahead, and the run ends (releasing the secret).
  await now.getByRole("button", { name: /^Execute: / }).click();
  await expect(r.getByTestId("run-status")).toHaveText("Succeeded", { timeout: 30_000 });

  const events = await onKeelDatabase(async (c) => (await c.query("select event_type, outcome from audit_events where actor_label = $1 and event_type like 'auth.reauth%' order by seq", [responder.email])).rows);
  expect(events).toEqual([
    { event_type: "auth.reauthentication_failed", outcome: "failure" },
    { event_type: "auth.reauthenticated", outcome: "success" },
  ]);
  await responder.context.close();
  await lead.context.close();
});

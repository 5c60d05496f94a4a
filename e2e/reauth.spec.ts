import { expect, test } from "./support/test";
import { E2E_DRIVER } from "./support/config";
import { newPerson } from "./support/people";
import { trpcCall } from "./support/session";

/**
 * Issue "Keel hardened by its own playbooks", re-authentication (OWASP ASVS 5.0 §7): a responder
 * is asked for the password before promoting a secret, enters it on the run page, and the
 * promotion goes ahead. No page can make 15 minutes pass, so the journey takes the other road
 * to the same prompt: an admin asks the responder to confirm it is them (Admin > Users). The
 * 15-minute clock itself is covered by server/auth/reauth.test.ts on both drivers.
 */
test("a responder whom an admin asked to confirm it is them is asked for the password before promoting a secret, enters it, and the promotion proceeds", async ({
  browser,
  page: admin,
}) => {
  test.setTimeout(120_000);
  const secret = `reauth-key-${Date.now().toString(36)}`;
  const created = await trpcCall(
    admin.request,
    "secrets.create",
    {
      name: secret,
      description: "Re-authentication journey",
      policy: { length: 32, alphabet: "base64url" },
      gracePeriodHours: 1,
    },
    "mutation",
  );
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
  await expect(
    now.getByRole("heading", { name: `Now: Give the new value to every service using ${secret}` }),
  ).toBeVisible();
  await now.getByRole("button", { name: /^Execute: / }).click();
  // No service uses the new secret yet, so the acceptance check verified nothing: confirmed by hand.
  await expect(now.getByRole("heading", { name: "Now: Every service accepts the new value" })).toBeVisible({
    timeout: 30_000,
  });
  await r.getByLabel("Evidence: what you checked by hand").fill("No service uses this key yet.");
  await now.getByRole("button", { name: "Confirm: checked by hand" }).click();
  await expect(r.getByTestId("run-status")).toHaveText("Waiting for approval", { timeout: 30_000 });

  // The lead signed in a moment ago: approving the promotion goes ahead without a question.
  await lead.page.goto(runUrl);
  await lead.page.getByRole("button", { name: "Approve" }).click();
  await expect(now.getByRole("heading", { name: `Now: Switch ${secret} to the new value` })).toBeVisible({
    timeout: 30_000,
  });

  // An admin asks the responder to prove it is them again (a suspected stolen session, say).
  await admin.goto("/admin/users");
  const row = admin.getByRole("row").filter({ hasText: responder.email });
  await row.getByRole("button", { name: "Ask for password" }).click();
  await expect(row).toContainText(
    `Ask ${responder.email} for their password before their next high-risk step, on every session?`,
  );
  await row.getByRole("button", { name: "Ask", exact: true }).click();
  await expect(admin.getByRole("status")).toContainText(
    `${responder.email} will be asked for their password before their next high-risk step (1 open session).`,
  );

  // The promotion asks for the password first, and nothing changes yet.
  await now.getByRole("button", { name: /^Execute: / }).click();
  const prompt = now.getByRole("form", { name: "Confirm it is you" });
  await expect(prompt).toBeVisible();
  await expect(prompt).toContainText(
    `Executing “Switch ${secret} to the new value” (Promote the pending value to current)`,
  );
  await expect(prompt).toContainText(
    "is a high-risk action: enter your password again to confirm it is you. An administrator asked you to confirm it is you before your next high-risk action.",
  );
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
  await expect(now.getByRole("heading", { name: "Now: Retire the old value when its grace period ends" })).toBeVisible({
    timeout: 30_000,
  });
  await expect(r.locator("main")).toContainText(`is now the current value of ${secret}`);

  // Retiring the old value is not high-risk: it goes ahead, and the run ends (releasing the secret).
  await now.getByRole("button", { name: /^Execute: / }).click();
  await expect(r.getByTestId("run-status")).toHaveText("Succeeded", { timeout: 30_000 });

  const activity = await trpcCall(r.request, "account.activity");
  const events = (activity.body as { result: { data: { eventType: string; outcome: string }[] } }).result.data;
  expect(
    events
      .filter((e) => e.eventType.startsWith("auth.reauth"))
      .reverse()
      .map((e) => [e.eventType, e.outcome]),
  ).toEqual([
    ["auth.reauthentication_failed", "failure"],
    ["auth.reauthenticated", "success"],
  ]);
  await responder.context.close();
  await lead.context.close();
});

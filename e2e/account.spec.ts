import { expect, test } from "./support/test";
import { replaceOneTimePassword, signIn, trpcCall, uniqueE2eEmail } from "./support/session";
import { rememberSecret } from "../test/support/secrets-used";

test("a user changes their password on the account page and signs in with it", async ({ page, browser }) => {
  const email = uniqueE2eEmail("lead");
  const created = await trpcCall(page.request, "users.create", { email, name: "Leo Lead", role: "lead" }, "mutation");
  const oneTimePassword = rememberSecret(
    (created.body as { result: { data: { oneTimePassword: string } } }).result.data.oneTimePassword,
  );

  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const lead = await context.newPage();
  await signIn(lead, email, oneTimePassword);
  const firstPassword = await replaceOneTimePassword(lead, oneTimePassword);

  await lead.getByRole("link", { name: "Account" }).first().click();
  await expect(lead.getByRole("heading", { name: "Your account" })).toBeVisible();
  await expect(lead.getByText("This browser")).toBeVisible();

  // A mistake is named on its field and changes nothing.
  await lead.getByLabel("Current password").fill("not my password");
  await lead.getByLabel("New password", { exact: true }).fill("short");
  await lead.getByLabel("New password again").fill("different");
  await lead.getByRole("button", { name: "Change password" }).click();
  await expect(lead.getByText("Use at least 12 characters")).toBeVisible();
  await expect(lead.getByText("The two new passwords differ")).toBeVisible();

  const secondPassword = rememberSecret(`e2e-second-${Date.now()}`);
  await lead.getByLabel("Current password").fill(firstPassword);
  await lead.getByLabel("New password", { exact: true }).fill(secondPassword);
  await lead.getByLabel("New password again").fill(secondPassword);
  await lead.getByRole("button", { name: "Change password" }).click();
  await expect(lead.getByText("Password changed.")).toBeVisible();

  await lead.getByRole("button", { name: "Sign out" }).first().click();
  await expect(lead).toHaveURL(/\/sign-in/);
  expect((await trpcCall(lead.request, "session.me")).body).toEqual({ result: { data: null } });
  await signIn(lead, email, firstPassword);
  await expect(lead.getByRole("alert").filter({ hasText: "Invalid email or password." })).toBeVisible();
  await signIn(lead, email, secondPassword);
  await expect(lead.getByRole("heading", { name: "Hello, Leo Lead" })).toBeVisible();
  await expect(lead.getByRole("list", { name: "Recent activity" })).toContainText("Changed password");
  await context.close();
});

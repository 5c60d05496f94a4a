import { expect, test } from "./support/test";
import { replaceOneTimePassword, signIn, trpcCall, uniqueE2eEmail } from "./support/session";
import { rememberSecret } from "../test/support/secrets-used";

test("disabling a user ends their session at once", async ({ page, browser }) => {
  const email = uniqueE2eEmail("responder");
  const created = await trpcCall(
    page.request,
    "users.create",
    { email, name: "Rita Responder", role: "responder" },
    "mutation",
  );
  expect(created.status).toBe(200);
  const oneTimePassword = rememberSecret(
    (created.body as { result: { data: { oneTimePassword: string } } }).result.data.oneTimePassword,
  );

  const responderContext = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const responder = await responderContext.newPage();
  await signIn(responder, email, oneTimePassword);
  const password = await replaceOneTimePassword(responder, oneTimePassword);
  await expect(responder.getByRole("heading", { name: "Hello, Rita Responder" })).toBeVisible();

  await page.goto("/admin/users");
  const row = page.getByTestId(`user-row-${email}`);
  await row.getByRole("button", { name: "Disable" }).click();
  await expect(row).toContainText(`Disable ${email}? Their sessions end now.`);
  await row.getByRole("button", { name: "Disable" }).click();
  await expect(row).toContainText("Disabled");

  await responder.goto("/account");
  await expect(responder).toHaveURL(/\/sign-in/);
  const me = await trpcCall(responder.request, "session.me");
  expect(me.body).toEqual({ result: { data: null } });

  await signIn(responder, email, password);
  await expect(responder.getByRole("alert").filter({ hasText: "Invalid email or password." })).toBeVisible();
  await responderContext.close();
});

import { expect, test } from "./support/test";
import { replaceOneTimePassword, signIn, trpcCall, uniqueE2eEmail } from "./support/session";
import { rememberSecret } from "../test/support/secrets-used";

test("an admin adds a viewer, who cannot reach the admin page or the admin procedures", async ({ page, browser }) => {
  const email = uniqueE2eEmail("viewer");

  await page.goto("/admin/users");
  await page.getByRole("button", { name: "Add user" }).click();
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Name", { exact: true }).fill("Vera Viewer");
  await page.getByLabel("Role", { exact: true }).selectOption("viewer");
  await page.getByRole("button", { name: "Add user" }).click();
  const notice = page.getByTestId("one-time-password");
  await expect(notice).toContainText(email);
  const oneTimePassword = rememberSecret((await notice.locator("code").textContent())!.trim());
  await expect(page.getByTestId(`user-row-${email}`)).toContainText("Must set password");

  const viewerContext = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const viewer = await viewerContext.newPage();
  await signIn(viewer, email, oneTimePassword);
  await replaceOneTimePassword(viewer, oneTimePassword);
  await expect(viewer.getByRole("heading", { name: "Hello, Vera Viewer" })).toBeVisible();

  // The UI hides what a viewer cannot do...
  await expect(viewer.getByRole("navigation", { name: "Main" }).first()).not.toContainText("Users");
  await viewer.goto("/admin/users");
  await expect(viewer.getByRole("heading", { name: "You do not have access to this page" })).toBeVisible();
  await expect(viewer.getByRole("table", { name: "Users" })).toHaveCount(0);

  // ...and the server refuses it anyway.
  const refused = await trpcCall(viewer.request, "users.list");
  expect(refused.status).toBe(403);
  expect(refused.body).toMatchObject({ error: { data: { code: "FORBIDDEN", requestId: expect.any(String) } } });
  const create = await trpcCall(
    viewer.request,
    "users.create",
    { email: uniqueE2eEmail("sneaky"), name: "Sneaky", role: "admin" },
    "mutation",
  );
  expect(create.status).toBe(403);

  // The admin's list shows the viewer has set their password.
  await page.reload();
  await expect(page.getByTestId(`user-row-${email}`)).toContainText("Active");
  await expect(page.getByTestId(`user-row-${email}`)).not.toContainText("Must set password");
  await viewerContext.close();
});

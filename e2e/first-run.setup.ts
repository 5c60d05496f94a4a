import { expect, test } from "./support/test";
import { ADMIN_STATE, INITIAL_ADMIN } from "./support/config";
import { replaceOneTimePassword, signIn, trpcCall } from "./support/session";

/**
 * The first start: the initial admin signs in with the one-time password, is made to replace it
 * before anything else, and lands in the console. The signed-in state is kept for the journeys.
 */
test("the first admin replaces the one-time password at first sign-in", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in/);

  await signIn(page, INITIAL_ADMIN.email, INITIAL_ADMIN.password);
  await expect(page).toHaveURL(/\/change-password$/);

  // Nothing else is open until the password is replaced.
  const refused = await trpcCall(page.request, "users.list");
  expect(refused.status).toBe(403);
  expect(refused.body).toMatchObject({ error: { data: { code: "FORBIDDEN" } } });
  await page.goto("/admin/users");
  await expect(page).toHaveURL(/\/change-password$/);

  await replaceOneTimePassword(page, INITIAL_ADMIN.password);
  await expect(page.getByRole("heading", { name: "Hello, Administrator" })).toBeVisible();

  const me = await trpcCall(page.request, "session.me");
  expect(me.body).toMatchObject({
    result: { data: { email: INITIAL_ADMIN.email, role: "admin", mustChangePassword: false } },
  });

  await page.context().storageState({ path: ADMIN_STATE });
});

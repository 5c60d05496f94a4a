import { expect, test } from "./support/test";
import { INITIAL_ADMIN } from "./support/config";
import { signIn, trpcCall, uniqueE2eEmail } from "./support/session";

test.use({ storageState: { cookies: [], origins: [] } });

test("a wrong password and an unknown email get the same generic message", async ({ page }) => {
  await signIn(page, INITIAL_ADMIN.email, "definitely-not-the-password");
  await expect(page.getByRole("alert").filter({ hasText: "Invalid email or password." })).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in/);

  await signIn(page, uniqueE2eEmail("nobody"), "definitely-not-the-password");
  await expect(page.getByRole("alert").filter({ hasText: "Invalid email or password." })).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in/);
});

test("a request without a session gets UNAUTHORIZED in tRPC's error shape, with Keel's code and request id", async ({
  request,
}) => {
  const response = await trpcCall(request, "users.list");
  expect(response.status).toBe(401);
  expect(response.body).toEqual({
    error: {
      code: -32001,
      message: "Sign in to continue.",
      data: { code: "UNAUTHORIZED", httpStatus: 401, path: "users.list", requestId: expect.any(String) },
    },
  });
});

test("console pages send a signed-out visitor to sign in and back", async ({ page }) => {
  await page.goto("/account");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Faccount/);
});

import { expect, test } from "./support/test";
import { newPerson } from "./support/people";
import { signIn } from "./support/session";

test("ten wrong passwords in a row lock sign-in for that account, even with the right password", async ({
  browser,
  page: admin,
}) => {
  const person = await newPerson(browser, admin.request, "viewer", "Locked Out");
  await person.context.close();
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  for (let attempt = 1; attempt <= 9; attempt++) {
    await signIn(page, person.email, `wrong-password-${attempt}`);
    await expect(page.getByRole("alert").filter({ hasText: "Invalid email or password." })).toBeVisible();
  }
  await signIn(page, person.email, "wrong-password-10");
  await expect(
    page
      .getByRole("alert")
      .filter({ hasText: "Too many failed sign-ins from here. Sign-in is locked; try again in 15 minutes." }),
  ).toBeVisible();

  await signIn(page, person.email, person.password);
  await expect(
    page.getByRole("alert").filter({ hasText: /Sign-in is locked; try again in 1[45] minutes\./ }),
  ).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in/);
  await context.close();
});

test("a limited API request gets 429 with Retry-After, in tRPC's error shape with Keel's fields", async ({
  browser,
  page: admin,
}) => {
  // 600 reads a minute per user: the 601st within the minute is refused. A user of its own, so
  // that no other journey shares the spent budget.
  const reader = await newPerson(browser, admin.request, "viewer", "Busy Reader");
  const request = reader.context.request;
  let last = await request.get("/api/trpc/account.sessions");
  for (let i = 0; i < 650 && last.status() !== 429; i++) last = await request.get("/api/trpc/account.sessions");
  expect(last.status()).toBe(429);
  expect(Number(last.headers()["retry-after"])).toBeGreaterThan(0);
  expect(await last.json()).toMatchObject({
    error: {
      message: expect.stringContaining("600 reads a minute"),
      data: {
        code: "TOO_MANY_REQUESTS",
        details: { retryAfterSeconds: expect.any(Number) },
        requestId: expect.any(String),
      },
    },
  });
  await reader.context.close();
});

import { expect, type APIRequestContext, type Browser, type BrowserContext, type Page } from "@playwright/test";
import type { Role } from "../../lib/roles";
import { rememberSecret } from "../../test/support/secrets-used";
import { replaceOneTimePassword, signIn, trpcCall, uniqueE2eEmail } from "./session";

export type Person = { email: string; password: string; context: BrowserContext; page: Page };

/**
 * A new user created by the admin over the API, signed in in a browser of their own with their
 * one-time password replaced, ready on the home page.
 */
export async function newPerson(browser: Browser, admin: APIRequestContext, role: Role, name: string): Promise<Person> {
  const email = uniqueE2eEmail(role);
  const created = await trpcCall(admin, "users.create", { email, name, role }, "mutation");
  expect(created.status).toBe(200);
  const oneTimePassword = rememberSecret(
    (created.body as { result: { data: { oneTimePassword: string } } }).result.data.oneTimePassword,
  );
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await signIn(page, email, oneTimePassword);
  const password = await replaceOneTimePassword(page, oneTimePassword);
  return { email, password, context, page };
}

import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { rememberSecret } from "../../test/support/secrets-used";

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** At first sign-in: replaces the one-time password and returns the new one. */
export async function replaceOneTimePassword(page: Page, oneTimePassword: string): Promise<string> {
  const newPassword = rememberSecret(`e2e-${Math.random().toString(36).slice(2)}-${Date.now()}`);
  await expect(page).toHaveURL(/\/change-password$/);
  await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await page.getByLabel("One-time password").fill(oneTimePassword);
  await page.getByLabel("New password", { exact: true }).fill(newPassword);
  await page.getByLabel("New password again").fill(newPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page).toHaveURL(/\/$/);
  return newPassword;
}

/** Calls a tRPC procedure over HTTP, as the browser does, with the request's cookies. */
export async function trpcCall(
  request: APIRequestContext,
  procedure: string,
  input?: unknown,
  kind: "query" | "mutation" = "query",
) {
  const response =
    kind === "query"
      ? await request.get(
          `/api/trpc/${procedure}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`}`,
        )
      : await request.post(`/api/trpc/${procedure}`, { data: input ?? null });
  return { status: response.status(), body: (await response.json()) as Record<string, unknown> };
}

export function uniqueE2eEmail(label: string): string {
  return `${label}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}@example.test`;
}

import { expect, test } from "./support/test";

/**
 * The language check itself (e2e/support/test.ts): text a page shows only for a moment is read
 * too, and a problem fails the journey. This journey is expected to fail, for exactly that reason.
 */
test("a message shown for a moment with a raw template fails the journey that saw it", async ({ page }) => {
  test.fail();
  await page.goto("/");
  await expect(page.locator("main")).toBeVisible();
  await page.evaluate(async () => {
    const note = document.createElement("p");
    note.textContent = "Restoring {{inputs.backup}} for a admin";
    document.body.append(note);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    note.remove();
  });
  await expect(page.getByText("Restoring")).toHaveCount(0);
});

import { test, type Page } from "@playwright/test";

const SIZES = [
  { name: "laptop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
] as const;

/**
 * Full-page screenshots of what a person sees, at laptop and phone size, kept with the test's
 * output for a human to look at; the page is left at the size it had.
 */
export async function snap(page: Page, name: string): Promise<void> {
  const before = page.viewportSize();
  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    await page.screenshot({ path: test.info().outputPath(`${name}-${size.name}.png`), fullPage: true });
  }
  if (before) await page.setViewportSize(before);
}

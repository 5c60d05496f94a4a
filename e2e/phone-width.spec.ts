import type { Page } from "@playwright/test";
import { expect, test } from "./support/test";
import { addDays, todayUtc } from "../lib/checklists/dates";
import { snap } from "./support/screenshots";
import { trpcCall } from "./support/session";

type Data<T> = { result: { data: T } };

/**
 * Issue #15, "phone": at 360 and 390 px wide no page scrolls sideways, the run page with a plan
 * and an approval included: long tokens wrap or scroll inside their own box.
 */
async function widthAt(
  page: Page,
  url: string,
  width: number,
): Promise<{ url: string; width: number; scrollWidth: number; widest: string }> {
  await page.setViewportSize({ width, height: width === 360 ? 780 : 844 });
  await page.goto(url);
  await expect(page.locator("main")).toBeVisible();
  await page.waitForLoadState("networkidle");
  // When a page is too wide, name the element that sticks out furthest, so the failure says where to look.
  return page.evaluate(
    ({ url, width }) => {
      const scrollWidth = document.documentElement.scrollWidth;
      if (scrollWidth <= width) return { url, width, scrollWidth, widest: "" };
      let widest = "";
      let right = 0;
      for (const element of Array.from(document.querySelectorAll("main *"))) {
        const box = element.getBoundingClientRect();
        if (box.right > right + 0.5) {
          right = box.right;
          widest = `${element.tagName.toLowerCase()}.${element.className} "${(element.textContent ?? "").slice(0, 40)}" (${Math.round(box.width)} px)`;
        }
      }
      return { url, width, scrollWidth, widest };
    },
    { url, width },
  );
}

test("the run, incident, checklist, history and admin pages fit a 360 and a 390 px wide phone", async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto("/runbooks/whitelist-ip/start");
  await page.getByLabel("IP address or range").fill("10.40.0.0/14");
  await page.getByLabel("Reason").fill("Partner data centre blocked on /api/v1/orders-with-a-very-long-path/and-more");
  await page.getByLabel("Allowlist").selectOption("demo-allowlist");
  await page.getByRole("button", { name: "Start the run" }).click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  await page.getByLabel(/Evidence|Note/).fill("INC-11");
  await page.getByRole("button", { name: "Mark done" }).click();
  await expect(page.getByTestId("run-status")).toHaveText("Waiting for approval");
  await expect(page.getByTestId("plan").first()).toBeVisible();
  const runUrl = new URL(page.url()).pathname;

  const declared = (
    await trpcCall(
      page.request,
      "incidents.declare",
      { title: "Phone check", severity: "SEV3", services: ["demo-web"], tags: [] },
      "mutation",
    )
  ).body as Data<{ incidentId: string }>;
  const people = (await trpcCall(page.request, "checklists.people")).body as Data<{ id: string; name: string }[]>;
  const created = (
    await trpcCall(
      page.request,
      "checklists.create",
      {
        templateId: "production-readiness",
        name: `Phone ${Date.now()}`,
        service: "demo-web",
        serviceUrl: "",
        launchDate: addDays(todayUtc(), 30),
        ownerId: people.result.data[0]!.id,
      },
      "mutation",
    )
  ).body as Data<{ id: string }>;

  const urls = [
    runUrl,
    `/incidents/${declared.result.data.incidentId}`,
    `/checklists/${created.result.data.id}`,
    `/checklists/${created.result.data.id}/history`,
    "/history",
    `/history/run/${runUrl.split("/").at(-1)}`,
    "/runbooks/restore-backup",
    "/services/demo-web",
    "/admin/users",
    "/admin/api-tokens",
    "/admin/secrets",
    "/admin/targets",
    "/admin/instances",
  ];
  try {
    const measured = [];
    for (const width of [360, 390]) for (const url of urls) measured.push(await widthAt(page, url, width));
    expect(measured.filter((m) => m.scrollWidth > m.width)).toEqual([]);
    await page.goto(urls[2]!);
    await snap(page, "checklist");
    await page.goto(runUrl);
    await snap(page, "run");
  } finally {
    // The run holds the demo allowlist's lock: ended here, later journeys find the allowlist free.
    const aborted = await trpcCall(
      page.request,
      "runs.abort",
      { runId: runUrl.split("/").at(-1), reason: "Phone width check done" },
      "mutation",
    );
    expect(aborted.status).toBe(200);
  }
});

test("on a phone the menu is a labelled button that shows and hides the navigation", async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 780 });
  await page.goto("/");
  const open = page.getByRole("button", { name: "Open menu" });
  await expect(open).toBeVisible();
  await expect(open).toHaveAttribute("aria-expanded", "false");
  const menuId = await open.getAttribute("aria-controls");
  expect(menuId).toBeTruthy();
  await expect(page.locator(`[id="${menuId}"]`)).toBeHidden();
  await open.click();
  const close = page.getByRole("button", { name: "Close menu" });
  await expect(close).toHaveAttribute("aria-expanded", "true");
  const menu = page.locator(`[id="${menuId}"]`);
  await expect(menu.getByRole("link", { name: "History" })).toBeVisible();
  await snap(page, "menu-open");
  await menu.getByRole("link", { name: "History" }).click();
  await expect(page).toHaveURL(/\/history$/);
  // Following a link closes the menu again.
  await expect(page.getByRole("button", { name: "Open menu" })).toHaveAttribute("aria-expanded", "false");
  await expect(menu).toBeHidden();
  await page.getByRole("button", { name: "Open menu" }).click();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("button", { name: "Open menu" })).toHaveAttribute("aria-expanded", "false");
});

test("a long token carries a copy button that copies the whole value and says so", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.setViewportSize({ width: 360, height: 780 });
  await page.goto("/runbooks/restore-backup");
  const copy = page.getByRole("button", { name: /^Copy SHA-256 of version \d+$/ }).first();
  await expect(copy).toBeVisible();
  const full = await page.locator("code.long-token-value").first().getAttribute("title");
  expect(full).toMatch(/^[0-9a-f]{64}$/);
  await copy.click();
  await expect(copy).toHaveText("Copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(full);
});

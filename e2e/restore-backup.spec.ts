import { PGlite } from "@electric-sql/pglite";
import type { Page } from "@playwright/test";
import { expect, test } from "./support/test";
import pg from "pg";
import { newPerson } from "./support/people";
import { snap } from "./support/screenshots";

/**
 * Issue "The four runbooks", part 3: a responder restores the demo shop database from its
 * backup at 3 a.m.; a lead approves from their own browser; the restore streams its progress and
 * the page shows how long it took; the shop's rows are back.
 */

type ShopRows = { customers: unknown[]; orders: unknown[] };
type Shop = { read(): Promise<ShopRows>; damage(): Promise<void> };

/** The demo shop database the run page names: a PostgreSQL database beside Keel's, or an embedded data directory. */
async function shopNamedOn(page: Page): Promise<Shop> {
  const text = await page.getByTestId("current-step").innerText();
  const postgres = /postgres@[^\s/]+\/(keel_demo_shop_[0-9a-f]{6})\b/.exec(text);
  if (postgres) {
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = `/${postgres[1]}`;
    const onShop = async <T>(work: (client: pg.Client) => Promise<T>) => {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        return await work(client);
      } finally {
        await client.end();
      }
    };
    return {
      read: () =>
        onShop(async (c) => ({
          customers: (await c.query("select * from customers order by id")).rows,
          orders: (await c.query("select * from orders order by id")).rows,
        })),
      damage: () =>
        onShop(
          async (c) =>
            void (await c.query(
              "delete from orders where status <> 'paid'; update customers set email = name || '@broken.example'",
            )),
        ),
    };
  }
  const embedded = /embedded PGlite in (\/\S+\/shop-db)\b/.exec(text);
  expect(embedded, "the plan names the demo shop database").not.toBeNull();
  const onShop = async <T>(work: (db: PGlite) => Promise<T>) => {
    // Keel opens the embedded database only while a step uses it; no step does while the run waits for approval.
    const db = new PGlite(embedded![1]);
    try {
      await db.waitReady;
      return await work(db);
    } finally {
      await db.close();
    }
  };
  return {
    read: () =>
      onShop(async (db) => ({
        customers: (await db.query("select * from customers order by id")).rows,
        orders: (await db.query("select * from orders order by id")).rows,
      })),
    damage: () =>
      onShop(
        async (db) =>
          void (await db.exec(
            "delete from orders where status <> 'paid'; update customers set email = name || '@broken.example'",
          )),
      ),
  };
}

test("a responder restores demo-shop from its backup, a lead approves, and the data comes back", async ({
  browser,
  page: admin,
}) => {
  test.setTimeout(240_000);
  const responder = await newPerson(browser, admin.request, "responder", "Rita Responder");
  const lead = await newPerson(browser, admin.request, "lead", "Leo Lead");
  const r = responder.page;

  await r.goto("/runbooks/restore-backup/start");
  await expect(r.getByRole("heading", { name: /Start: Restore a database from a backup/ })).toBeVisible();
  // Two databases (demo-shop and Keel's own): nothing is chosen for the responder.
  await expect(r.getByLabel("Database")).toHaveValue("");
  await r.getByLabel("Database").selectOption("demo-shop");
  // A path says what a backup name looks like; a name that is not a backup of demo-shop is refused
  // at the form, naming the backups there are, before any run exists.
  const backupField = r.getByLabel("Backup file (optional)");
  await backupField.fill("../../etc/passwd");
  await r.getByRole("button", { name: "Start the run" }).click();
  await expect(r.getByText(/Backup file must be a file name only, ending in \.dump or \.sql/)).toBeVisible();
  await backupField.fill("demo-shop-19990101T000000Z-00000000.dump");
  await r.getByRole("button", { name: "Start the run" }).click();
  await expect(
    r.getByText(
      /Backup file names demo-shop-19990101T000000Z-00000000\.dump, which is not a backup of demo-shop\. Leave it empty for the newest, or use one of demo-shop-\d{8}T\d{6}Z-[0-9a-f]{8}\.(dump|sql)/,
    ),
  ).toBeVisible();
  await expect(r).toHaveURL(/\/runbooks\/restore-backup\/start/);
  await snap(r, "restore-start-unknown-backup");
  // Left empty: the newest backup is restored.
  await backupField.fill("");
  await expect(backupField).toHaveValue("");
  await r.getByRole("button", { name: "Start the run" }).click();
  await expect(r).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  const runUrl = r.url();

  // The backups are listed with size and age, and the chosen one is proven restorable.
  await expect(r.getByTestId("run-status")).toHaveText("Waiting for approval", { timeout: 60_000 });
  const list = r.getByTestId("step-list");
  await expect(list).toContainText(
    /1 backup; the newest, demo-shop-\d{8}T\d{6}Z-[0-9a-f]{8}\.(dump|sql) \([\d.]+ KiB\), is \w+ old, within the recovery point objective of 24h\./,
  );
  await list.getByRole("button", { name: "Show output" }).click();
  await expect(list.getByLabel("Step output")).toContainText(
    /demo-shop-\S+\s+[\d.]+ KiB\s+\w+ old\s+sha256 [0-9a-f]{12}/,
  );
  await expect(r.getByTestId("step-verify")).toContainText(/verifies: checksum matches/);

  // While the run waits for the lead, the shop loses data (the incident this restore answers).
  await expect(r.getByTestId("current-step").getByTestId("plan")).toHaveCount(2, { timeout: 60_000 });
  const shop = await shopNamedOn(r);
  const backedUp = await shop.read();
  expect(backedUp.orders).toHaveLength(6);
  await shop.damage();
  expect((await shop.read()).orders.length).toBeLessThan(6);

  // The lead approves from their own browser, seeing the plans of the pre-restore backup and the restore.
  const l = lead.page;
  await l.goto(runUrl);
  await expect(l.getByTestId("current-step").getByTestId("plan")).toHaveCount(2);
  await expect(l.getByTestId("current-step")).toContainText("Restore demo-shop from demo-shop-");
  await l.getByRole("button", { name: "Approve" }).click();

  // The pre-restore backup is its own step, executed after reading its plan.
  await expect(r.getByTestId("run-status")).toHaveText("Waiting for an operator", { timeout: 30_000 });
  await expect(r.getByTestId("current-step")).toContainText("Back up demo-shop");
  await r.getByRole("button", { name: /^Execute: / }).click();

  // Then the restore, with its plan shown first; its output streams in while it runs.
  await expect(r.getByTestId("current-step").getByRole("heading", { name: /^Now: Restore demo-shop/ })).toBeVisible({
    timeout: 60_000,
  });
  await expect(r.getByTestId("current-step").getByTestId("plan")).toContainText(
    "through a scratch database then a swap",
  );
  await snap(r, "restore-plan");
  await r.getByRole("button", { name: /^Execute: / }).click();
  await expect(r.getByTestId("output-line-count")).toBeVisible({ timeout: 30_000 });

  await expect(r.getByTestId("run-status")).toHaveText("Succeeded", { timeout: 180_000 });
  await expect(l.getByTestId("run-status")).toHaveText("Succeeded", { timeout: 30_000 });
  await expect(r.getByTestId("step-pre-restore-backup")).toContainText(
    /Backed up demo-shop to demo-shop-\S+ \([\d.]+ KiB, sha256/,
  );
  await expect(r.getByTestId("step-restore")).toContainText(
    /Restored demo-shop from demo-shop-\S+ in [\d.]+ s; rows: public\.customers 5, public\.orders 6\./,
  );
  await expect(r.getByTestId("step-health")).toContainText("demo-shop answers its health query");
  await expect(r.getByTestId("step-record-duration")).toContainText(
    /The restore took [\d.]+ s, within the recovery time objective of 15m\./,
  );

  // The restore streamed its progress, and every row is back.
  await r.getByTestId("step-restore").getByRole("button", { name: "Show output" }).click();
  await expect(r.getByTestId("step-restore").getByLabel("Step output")).toContainText("Restoring demo-shop (");
  expect(await shop.read()).toEqual(backedUp);

  await responder.context.close();
  await lead.context.close();
});

import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "./support/test";
import pg from "pg";
import { E2E_DATABASE_URL_FILE, E2E_DRIVER } from "./support/config";

const SCREENS = path.resolve("test-results", "screens");

/**
 * Issue 12: someone with superuser access to Keel's PostgreSQL database edits an audit row
 * behind Keel's back (triggers off). A reviewer on History re-checks the whole chain and the
 * banner turns red, naming that sequence; once the row is put back, it verifies again.
 * PostgreSQL only: the embedded database belongs to the console's process alone.
 */
if (E2E_DRIVER === "postgres") {
  test("an audit row edited in the database turns the History banner red, naming its sequence", async ({ page }) => {
    const db = new pg.Client({ connectionString: readFileSync(E2E_DATABASE_URL_FILE, "utf8").trim() });
    await db.connect();
    try {
      await page.goto("/history");
      await expect(page.getByTestId("chain-banner")).toContainText("The audit chain verifies");
      // Wait until the chainer has linked what this journey's sign-in wrote, then pick a linked row.
      const { rows } = await db.query<{ seq: string; event_meta: unknown }>(
        "select e.seq::text as seq, e.event_meta from audit_events e join audit_chain c on c.event_seq = e.seq order by c.pos desc limit 1",
      );
      const { seq, event_meta: original } = rows[0]!;

      await db.query("begin");
      await db.query("alter table audit_events disable trigger user");
      await db.query(
        `update audit_events set event_meta = event_meta || '{"note": "nothing happened"}'::jsonb where seq = $1`,
        [seq],
      );
      await db.query("alter table audit_events enable trigger user");
      await db.query("commit");

      await page.getByRole("button", { name: "Re-check the whole chain now" }).click();
      const banner = page.getByTestId("chain-banner");
      await expect(banner).toContainText(`The audit chain does not verify at sequence ${seq}.`);
      await expect(banner).toContainText(`Sequence ${seq} was edited`);
      await page.screenshot({ path: path.join(SCREENS, "history-chain-broken.png"), fullPage: true });

      await db.query("begin");
      await db.query("alter table audit_events disable trigger user");
      await db.query("update audit_events set event_meta = $2::jsonb where seq = $1", [seq, JSON.stringify(original)]);
      await db.query("alter table audit_events enable trigger user");
      await db.query("commit");
      await page.getByRole("button", { name: "Re-check the whole chain now" }).click();
      await expect(page.getByTestId("chain-banner")).toContainText("The audit chain verifies");
    } finally {
      await db.end();
    }
  });
}

import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test } from "./support/test";
import { newPerson } from "./support/people";

const run = promisify(execFile);
const SCREENS = path.resolve("test-results", "screens");

/** The offline verifier, given only the public key the History page shows. */
async function verifyExport(file: string, publicKey: string): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(
      process.execPath,
      [
        path.resolve("node_modules/tsx/dist/cli.mjs"),
        "scripts/audit-verify-export.ts",
        "--public-key",
        publicKey,
        file,
      ],
      { env: { PATH: process.env.PATH, NODE_ENV: "test" } },
    );
    return { code: 0, stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, stdout: e.stdout };
  }
}

/**
 * Issue 6 (History): a responder starts a run whose inputs hold a distinctive word; the home page
 * says the run waits for them; History finds it by that word, opens the run's timeline, exports
 * the view (the file verifies offline, and an edited copy does not), and shows the chain banner.
 */
test("a responder finds their run in History by a word, follows its timeline and exports a file that verifies", async ({
  browser,
  page: admin,
}, testInfo) => {
  const responder = await newPerson(browser, admin.request, "responder", "Hana History");
  const r = responder.page;
  const word = `kestrel${randomBytes(3).toString("hex")}`;

  await r.goto("/runbooks/sample-guided-change/start");
  await r.getByLabel("Change ticket").fill(word);
  await r.getByRole("button", { name: "Start the run" }).click();
  await expect(r).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  const runId = r.url().split("/").at(-1)!;

  // Home: the run waits for this person.
  await r.goto("/");
  await expect(r.getByRole("heading", { name: "Hello, Hana History" })).toBeVisible();
  await expect(r.getByRole("heading", { name: "Waiting for you" })).toBeVisible();
  const waiting = r.getByRole("list", { name: "Runs waiting for you" });
  await expect(waiting.getByRole("listitem").filter({ hasText: "your run" }).first()).toContainText(
    "Guided change with approval (sample)",
  );
  await r.screenshot({ path: path.join(SCREENS, "home.png"), fullPage: true });

  // Do the manual step, so the run's timeline has more than its start.
  await waiting.getByRole("link", { name: "Open the run" }).first().click();
  await expect(r).toHaveURL(new RegExp(`/runs/${runId}$`));
  await r.getByLabel(/Evidence|Note/).fill("Announced in #changes");
  await r.getByRole("button", { name: "Mark done" }).click();
  await expect(r.getByTestId("run-status")).toHaveText("Waiting for approval");

  // History: search for the word.
  await r.getByRole("link", { name: "History", exact: true }).click();
  await expect(r.getByRole("heading", { name: "History", exact: true })).toBeVisible();
  await expect(r.getByTestId("chain-banner")).toContainText("The audit chain verifies");
  await r.getByLabel("Search details").fill(word);
  await r.getByRole("button", { name: "Show events" }).click();
  await expect(r).toHaveURL(new RegExp(`q=${word}`));
  const table = r.getByRole("table", { name: "Audit events" });
  await expect(table.getByRole("row")).toHaveCount(2); // header + the one event
  await expect(table).toContainText("Started run");
  await expect(table).toContainText(responder.email);
  await r.screenshot({ path: path.join(SCREENS, "history.png"), fullPage: true });
  await r.setViewportSize({ width: 390, height: 844 });
  await expect(r.getByTestId("audit-public-key")).toBeVisible();
  await r.screenshot({ path: path.join(SCREENS, "history-phone.png") });
  await r.setViewportSize({ width: 1280, height: 720 });

  // Export the view and verify the file offline.
  const downloadPromise = r.waitForEvent("download");
  await r.getByRole("link", { name: "NDJSON" }).click();
  const download = await downloadPromise;
  const file = testInfo.outputPath("history-export.ndjson");
  await download.saveAs(file);
  const lines = (await readFile(file, "utf8")).trim().split("\n");
  expect(lines).toHaveLength(1);
  const row = JSON.parse(lines[0]!);
  expect(row).toMatchObject({
    eventType: "run.started",
    entityType: "run",
    entityId: runId,
    actorLabel: responder.email,
    eventMeta: { inputs: { ticket: word } },
  });
  expect(row.signature).toMatch(/^[A-Za-z0-9+/]{86}==$/);
  const publicKey = (await r.getByTestId("audit-public-key").locator("code").first().textContent())!;
  const verified = await verifyExport(file, publicKey);
  expect(verified.code, verified.stdout).toBe(0);
  expect(verified.stdout).toContain("OK 1 rows");
  const edited = testInfo.outputPath("history-export-edited.ndjson");
  await writeFile(
    edited,
    JSON.stringify({
      ...row,
      eventMeta: { ...row.eventMeta, inputs: { ...row.eventMeta.inputs, ticket: "nothing-to-see" } },
    }) + "\n",
  );
  const refused = await verifyExport(edited, publicKey);
  expect(refused.code).toBe(1);
  expect(refused.stdout).toContain(`BROKEN at line 1 (sequence ${row.seq})`);

  // The run's timeline, from the entity link.
  await table.getByRole("link", { name: /run/ }).first().click();
  await expect(r).toHaveURL(new RegExp(`/history/run/${runId}$`));
  await expect(r.getByRole("heading", { name: /Timeline of run/ })).toContainText(runId);
  const timeline = r.getByRole("list", { name: "Timeline" });
  await expect(timeline).toContainText("Started run");
  await expect(timeline).toContainText(/Marked .* done/);
  await r.screenshot({ path: path.join(SCREENS, "timeline.png"), fullPage: true });

  // Bad input says which field, and shows nothing else.
  await r.goto("/history?from=2026-12-02T10:00&to=2026-12-01T10:00");
  await expect(r.locator("#filter-to-error")).toHaveText("The end of the time range must be after its start");
  await r.goto("/history?cursor=tampered.cursor");
  await expect(r.getByRole("alert").filter({ hasText: "This page link is not valid" })).toBeVisible();

  // Telemetry lists the runbook that ran.
  await r.goto("/telemetry");
  await expect(r.getByRole("table", { name: "Runbook telemetry" })).toContainText(
    "Guided change with approval (sample)",
  );
  await r.screenshot({ path: path.join(SCREENS, "telemetry.png"), fullPage: true });
  await r.goto("/runbooks/sample-guided-change/stats");
  await expect(r.getByRole("table", { name: "Step telemetry" })).toBeVisible();
  await r.screenshot({ path: path.join(SCREENS, "runbook-stats.png"), fullPage: true });
  await responder.context.close();
});

test("a viewer sees only their own sign-ins; an admin sees everyone's", async ({ browser, page: admin }) => {
  const viewer = await newPerson(browser, admin.request, "viewer", "Vic Viewer");
  const v = viewer.page;
  await v.goto("/history?eventType=auth.signed_in");
  const table = v.getByRole("table", { name: "Audit events" });
  await expect(table).toContainText(viewer.email);
  await expect(table).not.toContainText("admin@keel.local");
  await expect(v.getByText("You see your own sign-ins only")).toBeVisible();
  await admin.goto("/history?eventType=auth.signed_in");
  const all = admin.getByRole("table", { name: "Audit events" });
  await expect(all).toContainText(viewer.email);
  await expect(all).toContainText("admin@keel.local");
  await viewer.context.close();
});

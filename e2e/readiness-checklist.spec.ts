import type { Page } from "@playwright/test";
import { expect, test } from "./support/test";
import { addDays, todayUtc } from "../lib/checklists/dates";
import { BASE_URL } from "./support/config";
import { newPerson } from "./support/people";
import { trpcCall } from "./support/session";

const CRITICAL = "Pre-Production: Critical (must fix before production)";
const HIGH = "Pre-Production: High (fix within 72 hours)";

type Stored = {
  gate: { ready: boolean; label: string };
  items: {
    title: string;
    status: string;
    ownerId: string | null;
    lastResult: { passed: boolean; checked: string; observed: Record<string, unknown> } | null;
    waivers: { status: string }[];
  }[];
};

const item = (page: Page, title: string) => page.getByRole("listitem", { name: title, exact: true });
const gate = (page: Page) => page.getByTestId("gate-label");

/**
 * Issue 5, the readiness checklist tracker: a lead makes a checklist from the production-readiness
 * template for Keel itself, assigns items to two people, runs an automated item that passes (Keel's
 * own security headers) and one that fails (plain HTTP does not redirect to HTTPS here); a second
 * lead approves the waiver the first one asks for, and the gate turns from "Not ready" to "Ready"
 * as that last critical item closes. The history shows who changed what.
 */
test("a lead tracks a launch's readiness to Ready, with checks Keel runs and a waiver another lead approves", async ({
  browser,
  page: admin,
}) => {
  const lena = await newPerson(browser, admin.request, "lead", "Lena Lead");
  const liam = await newPerson(browser, admin.request, "lead", "Liam Lead");
  const rhea = await newPerson(browser, admin.request, "responder", "Rhea Responder");
  const people = (await trpcCall(admin.request, "checklists.people")).body as {
    result: { data: { id: string; email: string }[] };
  };
  const idOf = (email: string) => people.result.data.find((p) => p.email === email)!.id;
  const l = lena.page;

  // Create the checklist from the template.
  await l.goto("/checklists");
  await expect(l.getByRole("heading", { name: "Checklists", level: 1 })).toBeVisible();
  await l.getByRole("button", { name: "New checklist" }).click();
  await l.getByLabel("Template").selectOption({ label: "Production readiness (v1, 50 items)" });
  await l.getByLabel("Name", { exact: true }).fill("Keel 1.0 launch");
  await l.getByLabel("Service", { exact: true }).fill("keel");
  await l.getByLabel("Service URL").fill(BASE_URL);
  const launch = addDays(todayUtc(), 30);
  await l.getByLabel("Launch date").fill(launch);
  await l.getByRole("button", { name: "Create checklist" }).click();
  await expect(l).toHaveURL(/\/checklists\/[0-9a-f-]{36}$/);
  const checklistId = l.url().split("/").pop()!;
  await expect(l.getByRole("heading", { name: "Keel 1.0 launch", level: 1 })).toBeVisible();
  await expect(gate(l)).toHaveText("Not ready: 8 critical items open");
  await expect(l.getByRole("list", { name: "Open critical items" }).getByRole("listitem")).toHaveCount(8);
  await expect(item(l, "Remove all exposed secrets from code")).toContainText(`Due`);
  await l.screenshot({ path: "test-results/checklist-page.png", fullPage: false });

  // Bulk-assign: the critical items to Rhea, the high ones to Liam.
  await l.getByLabel("Filter by section").selectOption(CRITICAL);
  await expect(l.getByRole("listitem").filter({ has: l.getByRole("checkbox") })).toHaveCount(8);
  await l.getByRole("button", { name: "Select all shown" }).click();
  await l.getByLabel("Assign to").selectOption({ label: "Rhea Responder" });
  await l.getByRole("button", { name: "Assign", exact: true }).click();
  await expect(item(l, "Fix CORS configuration")).toContainText("Rhea Responder");
  await l.getByLabel("Filter by section").selectOption(HIGH);
  await expect(item(l, "Backup strategy")).toBeVisible();
  await l.getByRole("button", { name: "Select all shown" }).click();
  await l.getByLabel("Assign to").selectOption({ label: "Liam Lead" });
  await l.getByRole("button", { name: "Assign", exact: true }).click();
  await expect(item(l, "Backup strategy")).toContainText("Liam Lead");
  await l.getByLabel("Filter by owner").selectOption({ label: "Liam Lead" });
  await expect(l.getByRole("list", { name: "Checklist items" }).getByRole("listitem")).toHaveCount(6);
  await l.getByLabel("Filter by owner").selectOption({ label: "Anyone" });
  await l.getByLabel("Filter by section").selectOption({ label: "All sections" });

  // An automated item that passes: Keel's own sign-in page carries a CSP and nosniff.
  const headers = item(l, "Implement security headers");
  await expect(headers.getByTestId("item-check")).toContainText("Not run yet.");
  await headers.getByRole("button", { name: "Run check" }).click();
  await expect(headers.getByTestId("item-status")).toHaveText("Done");
  await expect(headers.getByTestId("item-check")).toContainText("passed");
  await expect(headers.getByTestId("item-check")).toContainText(
    `${BASE_URL}/sign-in answered 200 with content-security-policy, x-content-type-options.`,
  );

  // One that fails: plain HTTP is served here, not redirected to HTTPS.
  const https = item(l, "Enable HTTPS everywhere");
  await https.getByRole("button", { name: "Run check" }).click();
  await expect(https.getByTestId("item-status")).toHaveText("Blocked");
  await expect(https.getByTestId("item-check")).toContainText("failed");
  await expect(https).toContainText("Check failed:");
  await expect(gate(l)).toHaveText("Not ready: 7 critical items open");

  // A lead binds another item to a probe in the page: Keel's own deep health check.
  const health = item(l, "Health checks implemented");
  await health.getByText("Details, comments and changes").click();
  await health.getByLabel("Check", { exact: true }).selectOption({ label: "URL answers with a status and headers" });
  await health.getByLabel("URL", { exact: true }).fill("{{serviceUrl}}/api/healthz");
  await health.getByLabel("Confirm again every (days)").fill("1");
  await health.getByRole("button", { name: "Save check" }).click();
  await expect(health.getByTestId("item-check")).toContainText(
    `Verified by Keel: ${BASE_URL}/api/healthz answers 200. Not run yet. Re-checked every day.`,
  );
  await health.getByRole("button", { name: "Run check" }).click();
  await expect(health.getByTestId("item-status")).toHaveText("Done");
  await expect(health.getByTestId("item-check")).toContainText(`${BASE_URL}/api/healthz answered 200.`);

  // The other critical items are closed in bulk.
  await l.getByLabel("Filter by section").selectOption(CRITICAL);
  for (const title of [
    "Remove all exposed secrets from code",
    "Implement proper authentication",
    "Fix CORS configuration",
    "Add rate limiting",
    "Setup error handling",
    "Configure logging",
  ]) {
    await l.getByRole("checkbox", { name: `Select ${title}` }).check();
  }
  await l.getByLabel("Set status").selectOption("done");
  await l.getByRole("button", { name: "Set", exact: true }).click();
  await expect(gate(l)).toHaveText("Not ready: 1 critical item open");
  await expect(l.getByRole("list", { name: "Open critical items" })).toHaveText(/Enable HTTPS everywhere/);

  // Lena asks for a waiver of the failing item; she cannot approve it herself.
  await https.getByText("Details, comments and changes").click();
  await https.getByLabel("Why it can wait").fill("TLS terminates at the load balancer, which redirects to HTTPS");
  await https.getByLabel("Waived until").fill(addDays(todayUtc(), 60));
  await https.getByRole("button", { name: "Request waiver" }).click();
  await expect(https.getByRole("group", { name: "Waiver request" })).toContainText(
    "Another lead must approve your request.",
  );
  await expect(https.getByRole("button", { name: "Approve waiver" })).toHaveCount(0);

  // Liam approves it; his page shows the gate open.
  const m = liam.page;
  await m.goto(`/checklists/${checklistId}`);
  await expect(gate(m)).toHaveText("Not ready: 1 critical item open");
  const waiting = item(m, "Enable HTTPS everywhere");
  await expect(waiting.getByRole("group", { name: "Waiver request" })).toContainText("Waiver requested by Lena Lead");
  await waiting.getByRole("button", { name: "Approve waiver" }).click();
  await expect(waiting.getByTestId("item-status")).toHaveText("Waived");
  await expect(gate(m)).toHaveText("Ready");
  await expect(m.getByTestId("readiness-gate")).toContainText("Every critical item is done, waived or not applicable.");
  await m.screenshot({ path: "test-results/checklist-ready.png" });
  await waiting.screenshot({ path: "test-results/checklist-item-waived.png" });
  await item(m, "Implement security headers").screenshot({ path: "test-results/checklist-item-passed.png" });

  // What is stored says the same.
  const stored = (
    (await trpcCall(admin.request, "checklists.get", { checklistId })).body as { result: { data: Stored } }
  ).result.data;
  expect(stored.gate).toEqual({ ready: true, label: "Ready", openCritical: [] });
  const byTitle = (title: string) => stored.items.find((i) => i.title === title)!;
  expect(byTitle("Implement security headers")).toMatchObject({
    status: "done",
    lastResult: { passed: true, observed: { status: 200 } },
  });
  expect(byTitle("Enable HTTPS everywhere")).toMatchObject({
    status: "waived",
    ownerId: idOf(rhea.email),
    lastResult: { passed: false },
    waivers: [{ status: "approved" }],
  });
  expect(byTitle("Backup strategy").ownerId).toBe(idOf(liam.email));
  expect(stored.items.filter((i) => i.ownerId === idOf(rhea.email))).toHaveLength(8);

  // Rhea sees her items; the history names who changed what, from what, to what.
  await rhea.page.goto("/checklists/mine");
  await expect(rhea.page.getByRole("table", { name: "My items" }).getByRole("row")).toHaveCount(9);
  await rhea.page.screenshot({ path: "test-results/checklist-my-items.png" });
  await l.goto(`/checklists/${checklistId}`);
  await expect(gate(l)).toHaveText("Ready");
  await l.getByRole("link", { name: "Change history" }).click();
  await expect(l.getByRole("heading", { name: "History: Keel 1.0 launch" })).toBeVisible();
  const history = l.getByRole("table", { name: "Checklist history" });
  await expect(history.getByRole("row").nth(1)).toContainText(liam.email);
  await expect(history.getByRole("row").nth(1)).toContainText("Approved a waiver");
  await expect(history.getByRole("row").nth(1)).toContainText("status: blocked → waived");
  await expect(history).toContainText("Ran a check");
  await expect(history).toContainText("status: todo → done");
  await expect(history).toContainText(`owner: nothing → ${rhea.email}`);
  await expect(history).toContainText("Created the checklist");
  await l.screenshot({ path: "test-results/checklist-history.png", fullPage: true });

  await l.goto("/checklists");
  await expect(l.getByRole("table", { name: "Checklists" })).toContainText("Keel 1.0 launch");
  await expect(l.getByRole("table", { name: "Checklists" })).toContainText("Ready");
  await l.screenshot({ path: "test-results/checklists-list.png" });

  // A launch five days out with its gate not ready is on the home page's card.
  const soon = await trpcCall(
    l.request,
    "checklists.create",
    {
      templateId: "launch",
      name: "Status page launch",
      service: "status",
      serviceUrl: "",
      launchDate: addDays(todayUtc(), 5),
      ownerId: idOf(lena.email),
    },
    "mutation",
  );
  expect(soon.status).toBe(200);
  await l.goto("/");
  const risk = l.getByRole("list", { name: "Launches at risk" });
  await expect(risk).toContainText("Status page launch");
  await expect(risk).toContainText("Not ready: 7 critical items open");
  await expect(risk).not.toContainText("Keel 1.0 launch");
  await l.screenshot({ path: "test-results/home-launches-at-risk.png" });
  for (const person of [lena, liam, rhea]) await person.context.close();
});

import { readFileSync } from "node:fs";
import { expect, test } from "./support/test";
import { newPerson } from "./support/people";
import { snap } from "./support/screenshots";
import { trpcCall } from "./support/session";

/**
 * Issue "Incidents": a responder declares an incident, starts a suggested runbook from it, sees
 * the run's steps join the incident's timeline live, adds and pins a note, resolves the incident
 * with a summary and downloads the postmortem draft.
 */
test("a responder runs an incident from declaration to postmortem", async ({ browser, page: admin }) => {
  const responder = await newPerson(browser, admin.request, "responder", "Ines Oncall");
  const r = responder.page;
  const title = `Audit trail looks wrong ${Date.now()}`;

  // Declare it: severities say what they mean; services come from what Keel knows.
  await r.goto("/incidents");
  await r.getByRole("link", { name: "Declare an incident" }).click();
  await expect(r.getByRole("heading", { name: "Declare an incident" })).toBeVisible();
  await expect(r.getByText("Critical: customer-facing outage or data loss, all hands")).toBeVisible();
  await r.getByRole("button", { name: "Declare the incident" }).click();
  await expect(r.getByText("Say in a few words what is wrong")).toBeVisible();
  await r.screenshot({ path: "test-results/incident-declare-form.png", fullPage: true });
  await r.getByLabel("What is wrong").fill(title);
  await r.getByRole("radio", { name: /SEV2/ }).check();
  await r.getByRole("checkbox", { name: "keel", exact: true }).check();
  await r.getByLabel("Tags (optional)").fill("audit, security");
  await r.getByRole("button", { name: "Declare the incident" }).click();
  await expect(r).toHaveURL(/\/incidents\/[0-9a-f-]{36}$/);
  const incidentUrl = r.url();
  await expect(r.getByRole("heading", { name: new RegExp(`Incident \\d+: ${title}`) })).toBeVisible();
  await expect(r.getByTestId("incident-status")).toHaveText("Investigating");
  await expect(r.getByTestId("role-commander")).toContainText("Ines Oncall");
  await expect(r.getByTestId("live-indicator")).toHaveText("Live");

  // The audit-trail runbook is suggested (service keel, tag audit); starting it opens its form inside the incident.
  const suggested = r.getByRole("list", { name: "Suggested runbooks" });
  await expect(suggested.getByTestId("suggested-runbook").first()).toContainText("Verify the audit trail");
  await suggested.getByRole("link", { name: "Start Verify the audit trail" }).click();
  await expect(r.getByTestId("start-inside-incident")).toContainText(title);
  await r.getByRole("button", { name: "Start the run" }).click();
  await expect(r).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  const runId = r.url().split("/").at(-1)!;
  await r.getByTestId("run-incident-link").click();
  await expect(r).toHaveURL(incidentUrl);
  await expect(r.getByTestId("live-indicator")).toHaveText("Live");

  const timeline = r.getByRole("list", { name: "Incident timeline" });
  await expect(timeline).toContainText(/Run \d+: Started run \d+ of verify-audit-trail/);
  // The chain check runs by itself and lands on the timeline.
  await expect(timeline).toContainText("chain succeeded", { timeout: 30_000 });
  await r.screenshot({ path: "test-results/incident-page-active.png", fullPage: true });
  await expect(timeline).not.toContainText("Marked failed-sign-ins done");

  // Someone finishes the manual step elsewhere (here: over the API); this page is not reloaded.
  await r.evaluate(() => Object.assign(window, { keptAcrossUpdates: true }));
  const confirmed = await trpcCall(
    responder.context.request,
    "runs.confirm",
    { runId, stepId: "failed-sign-ins", note: "Reviewed the last 7 days: nothing unusual." },
    "mutation",
  );
  expect(confirmed.status).toBe(200);
  await expect(timeline).toContainText("Marked failed-sign-ins done");
  await expect(timeline).toContainText("Run finished");
  // The run's progress is one folded entry naming the runbook and how the run stands; opened, it shows every step.
  const runGroup = timeline.getByTestId("timeline-run-group");
  await expect(runGroup).toHaveCount(1);
  await expect(runGroup.locator("summary")).toContainText(/Run \d+: Verify the audit trail · 2 steps, \d+ entries/);
  await expect(runGroup.locator("summary")).toContainText("Succeeded");
  await expect(runGroup.getByText("Run finished")).toBeHidden();
  await runGroup.locator("summary").click();
  await expect(runGroup.getByText("Run finished")).toBeVisible();
  await expect(r.getByRole("list", { name: "Runs in this incident" }).getByTestId("run-status")).toHaveText(
    "Succeeded",
  );
  expect(await r.evaluate(() => (window as unknown as { keptAcrossUpdates?: boolean }).keptAcrossUpdates)).toBe(true);

  // A note, then pinned: it shows at the top.
  await r.getByRole("textbox", { name: "Add a note" }).fill("Chain verified end to end; no password guessing seen.");
  await r.getByRole("button", { name: "Add note" }).click();
  const note = timeline.getByTestId("timeline-entry").filter({ hasText: "Chain verified end to end" });
  await expect(note).toBeVisible();
  await note.getByRole("button", { name: "Pin" }).click();
  await expect(r.getByRole("list", { name: "Pinned notes" })).toContainText("Chain verified end to end");
  await expect(note.getByRole("button", { name: "Unpin" })).toBeVisible();

  // An edit is a new version; the old text stays, marked superseded.
  await note.getByRole("button", { name: "Edit" }).click();
  await r
    .getByLabel("New version of the note")
    .fill("Chain verified end to end (sequence 1 to the head); no password guessing seen.");
  await r.getByRole("button", { name: "Save new version" }).click();
  await expect(timeline.getByTestId("timeline-entry").filter({ hasText: "Superseded by a later edit" })).toContainText(
    "Chain verified end to end; no password",
  );
  await expect(timeline.getByTestId("timeline-entry").filter({ hasText: "sequence 1 to the head" })).toContainText(
    "Edited",
  );
  await expect(r.getByRole("list", { name: "Pinned notes" })).toContainText("sequence 1 to the head");

  // The cause is known: one status move, then resolving.
  await r.getByLabel("Move to").selectOption("identified");
  await r.getByRole("button", { name: "Change status" }).click();
  await expect(r.getByTestId("incident-status")).toHaveText("Identified");
  await expect(timeline).toContainText("Moved from investigating to identified");
  await snap(r, "incident-timeline");

  // Resolving needs a summary.
  await r.getByLabel("Move to").selectOption("resolved");
  await r.getByRole("button", { name: "Resolve the incident" }).click();
  await expect(r.getByText(/Write a summary to resolve/)).toBeVisible();
  await expect(r.getByTestId("incident-status")).toHaveText("Identified");
  await r
    .getByLabel("Summary")
    .fill("False alarm: the audit chain verifies and the failed sign-ins were a mistyped password.");
  await r.getByLabel("Impact (optional)").fill("None for customers.");
  await r.getByRole("button", { name: "Resolve the incident" }).click();
  await expect(r.getByTestId("incident-status")).toHaveText("Resolved");
  await expect(r.getByTestId("incident-summary")).toContainText("False alarm");
  await expect(r.getByRole("textbox", { name: "Add a note" })).toHaveCount(0);

  // Follow-ups are written after the fact, so they are welcome on a resolved incident.
  await r.getByLabel("Follow-up", { exact: true }).fill("Alert on repeated failed sign-ins from one address");
  await r.getByRole("button", { name: "Add follow-up" }).click();
  await expect(r.getByRole("list", { name: "Follow-ups" })).toContainText("Alert on repeated failed sign-ins");

  await r.getByRole("button", { name: "Show draft" }).click();
  await expect(r.getByTestId("postmortem-preview")).toContainText("Actions taken");
  await r.screenshot({ path: "test-results/incident-page.png", fullPage: true });

  // The draft downloads as Markdown, with what happened in it.
  const [download] = await Promise.all([
    r.waitForEvent("download"),
    r.getByRole("link", { name: "Download (.md)" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^incident-\d+-postmortem\.md$/);
  const markdown = readFileSync((await download.path())!, "utf8");
  expect(markdown).toContain(`# Postmortem draft: Incident`);
  expect(markdown).toContain(title);
  expect(markdown).toMatch(/## Summary\n\nFalse alarm: the audit chain verifies/);
  expect(markdown).toMatch(/## Impact\n\nNone for customers\./);
  expect(markdown).toContain(
    "**Pinned note:** Chain verified end to end (sequence 1 to the head); no password guessing seen. (edited)",
  );
  expect(markdown).not.toContain("Chain verified end to end; no password");
  expect(markdown).toMatch(
    /- \*\*Run \d+: Verify the audit trail\*\* \(`verify-audit-trail`\), started .*: Succeeded at /,
  );
  expect(markdown).toContain("  - Review recent failed sign-ins: Done");
  expect(markdown).toContain("- [ ] Alert on repeated failed sign-ins from one address (owner: Ines Oncall (");

  // The incident list shows it resolved; the home page's card no longer lists it as active.
  await r.goto("/incidents?status=resolved");
  await expect(r.getByRole("table", { name: "Incidents" })).toContainText(title);
  await r.screenshot({ path: "test-results/incidents-list.png", fullPage: true });
  await r.goto("/");
  await expect(r.getByRole("heading", { name: "Active incidents" })).toBeVisible();
  await expect(r.getByRole("region", { name: "Active incidents" })).not.toContainText(title);
  await r.screenshot({ path: "test-results/home-active-incidents.png", fullPage: true });
  await responder.context.close();
});

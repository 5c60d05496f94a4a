import { expect, test } from "./support/test";
import { newPerson } from "./support/people";
import { snap } from "./support/screenshots";

/**
 * Issue "Runbook engine": a responder starts a runbook with a manual step, a check, an approval
 * and an action; a lead approves from their own browser; both pages follow live; the history
 * shows every step.
 */
test("a responder runs a guided change that a lead approves, both pages following live", async ({
  browser,
  page: admin,
}) => {
  const responder = await newPerson(browser, admin.request, "responder", "Rosa Responder");
  const lead = await newPerson(browser, admin.request, "lead", "Lee Lead");
  const r = responder.page;

  await r.goto("/runbooks/sample-guided-change/start");
  await expect(r.getByRole("heading", { name: /Start: / })).toBeVisible();
  await r.getByLabel("Settle time (seconds)").fill("3");
  await r.getByRole("button", { name: "Start the run" }).click();
  await expect(r).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  const runUrl = r.url();
  await expect(r.getByTestId("live-indicator")).toHaveText("Live");

  // Manual step: what to do and why, then mark it done with evidence.
  const now = r.getByTestId("current-step");
  await expect(now.getByRole("heading", { name: /^Now: / })).toBeVisible();
  await r.getByLabel(/Evidence|Note/).fill("Announced in #incidents");
  await r.getByRole("button", { name: "Mark done" }).click();

  // The check runs by itself; the approval opens, and the requester cannot approve their own run.
  await expect(r.getByTestId("run-status")).toHaveText("Waiting for approval");
  await expect(r.getByTestId("run-banner")).toContainText("someone other than you");
  await expect(r.getByRole("button", { name: "Approve" })).toHaveCount(0);

  // The lead opens the same run in their own browser and sees the plan they approve.
  const l = lead.page;
  await l.goto(runUrl);
  await expect(l.getByTestId("live-indicator")).toHaveText("Live");
  await expect(l.getByTestId("plan")).toBeVisible();
  await l.getByRole("button", { name: "Approve" }).click();

  // The responder's page moves on without a reload: the action's plan is shown before anything changes.
  await expect(r.getByTestId("run-status")).toHaveText("Waiting for an operator");
  await expect(r.getByTestId("current-step").getByTestId("plan")).toBeVisible();
  await r.getByRole("button", { name: /^Execute: / }).click();

  // Both pages follow the action to the end: progress and output stream in while it runs.
  await expect(r.getByTestId("output-line-count")).toBeVisible();
  await expect(r.getByTestId("run-status")).toHaveText("Succeeded", { timeout: 30_000 });
  await expect(l.getByTestId("run-status")).toHaveText("Succeeded", { timeout: 30_000 });

  const history = r.getByRole("list", { name: "Run history" });
  for (const entry of [
    /Started run/,
    /Marked .* done/,
    /succeeded/,
    /Approval requested/,
    /Approved/,
    /Asked to execute/,
    /Run finished/,
  ]) {
    await expect(history).toContainText(entry);
  }

  // Nothing needs the responder now: the empty tab says so and points to the runs that ended, theirs among them.
  await r.goto("/runs?filter=needs-me");
  const empty = r.getByTestId("runs-empty");
  await expect(empty).toContainText("Nothing needs you right now.");
  await expect(empty).toContainText(/\d+ runs? (has|have) ended: see Ended or All\./);
  await snap(r, "runs-empty-tab");
  await empty.getByRole("link", { name: "see Ended" }).click();
  await expect(r).toHaveURL(/\/runs\?filter=ended$/);
  await expect(r.getByRole("table", { name: "Runs" }).locator(`a[href="${new URL(runUrl).pathname}"]`)).toBeVisible();
  await responder.context.close();
  await lead.context.close();
});

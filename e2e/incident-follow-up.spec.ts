import { expect, test } from "./support/test";
import { addDays, formatCalendarDate, todayUtc } from "../lib/checklists/dates";
import { newPerson } from "./support/people";
import { trpcCall } from "./support/session";

type Data<T> = { result: { data: T } };

/**
 * Issue "Incidents": follow-ups can become items of a readiness checklist. A lead adds an
 * incident's follow-up to a launch's checklist from the incident page; the incident then says
 * where it is tracked, and the checklist shows the new item in "Incident follow-ups", owned by
 * the follow-up's owner, pointing back at the incident.
 */
test("a lead adds an incident follow-up to a readiness checklist from the incident page", async ({
  browser,
  page: admin,
}) => {
  const lead = await newPerson(browser, admin.request, "lead", "Lola Lead");
  await newPerson(browser, admin.request, "responder", "Omar Owner");
  const people = (await trpcCall(admin.request, "checklists.people")).body as Data<{ id: string; name: string }[]>;
  const omar = people.result.data.find((p) => p.name === "Omar Owner")!.id;
  const api = lead.context.request;

  const launch = addDays(todayUtc(), 30);
  const name = `Checkout relaunch ${Date.now()}`;
  const checklist = (
    await trpcCall(
      api,
      "checklists.create",
      {
        templateId: "production-readiness",
        name,
        service: "checkout",
        serviceUrl: "",
        launchDate: launch,
        ownerId: omar,
      },
      "mutation",
    )
  ).body as Data<{ id: string }>;
  const declared = (
    await trpcCall(
      api,
      "incidents.declare",
      { title: "Checkout timeouts", severity: "SEV2", services: [], tags: [] },
      "mutation",
    )
  ).body as Data<{ incidentId: string; number: number }>;
  const { incidentId, number } = declared.result.data;
  const followUp = "Alert when checkout p99 latency is above 800 ms";
  expect(
    (await trpcCall(api, "incidents.addFollowUp", { incidentId, text: followUp, ownerId: omar }, "mutation")).status,
  ).toBe(200);

  const l = lead.page;
  await l.goto(`/incidents/${incidentId}`);
  const row = l.getByRole("list", { name: "Follow-ups" }).getByRole("listitem", { name: followUp });
  await expect(row).toContainText("Omar Owner");
  await row.getByText("Add to a readiness checklist").click();
  // Choosing nothing says so next to the field.
  await row.getByRole("button", { name: "Add to checklist" }).click();
  await expect(row.getByText("Choose a checklist from the list")).toBeVisible();
  await row.screenshot({ path: "test-results/incident-follow-up-form.png" });
  await row
    .getByLabel("Checklist", { exact: true })
    .selectOption({ label: `${name} (checkout, launch ${formatCalendarDate(launch)})` });
  await expect(row.getByLabel("Priority", { exact: true })).toHaveValue("high");
  await row.getByRole("button", { name: "Add to checklist" }).click();
  const tracked = row.getByTestId("follow-up-tracked");
  await expect(tracked).toContainText(`Tracked in ${name} · To do`);
  await expect(row.getByText("Add to a readiness checklist")).toHaveCount(0);
  await expect(l.getByRole("list", { name: "Incident timeline" })).toContainText(
    `Added follow-up "${followUp}" to checklist`,
  );
  await l.screenshot({ path: "test-results/incident-follow-up-tracked.png", fullPage: true });

  // The checklist has it, in its own section, owned by the follow-up's owner, linking back.
  await tracked.getByRole("link", { name }).click();
  await expect(l).toHaveURL(new RegExp(`/checklists/${checklist.result.data.id}`));
  await l.getByLabel("Filter by section").selectOption("Incident follow-ups");
  const item = l.getByRole("listitem", { name: followUp, exact: true });
  await expect(item).toContainText("Incident follow-ups");
  await expect(item).toContainText("Omar Owner");
  await expect(item).toContainText("high");
  await expect(item.getByTestId("item-from-incident")).toHaveText(`From incident #${number}`);
  await l.screenshot({ path: "test-results/checklist-follow-up-item.png", fullPage: true });
  // The checklist's history says who added it, from which incident.
  await l.getByRole("link", { name: "Change history" }).click();
  const history = l.getByRole("table", { name: "Checklist history" });
  await expect(history.getByRole("row").nth(1)).toContainText("Added an item");
  await expect(history.getByRole("row").nth(1)).toContainText(`From incident #${number}`);
  await expect(history.getByRole("row").nth(1)).toContainText("owner: ");
  await l.screenshot({ path: "test-results/checklist-follow-up-history.png", fullPage: true });
  await history.getByRole("link", { name: `From incident #${number}` }).click();
  await expect(l).toHaveURL(new RegExp(`/incidents/${incidentId}$`));
});

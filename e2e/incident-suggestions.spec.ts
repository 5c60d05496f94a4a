import { expect, test } from "./support/test";
import { trpcCall } from "./support/session";
import { snap } from "./support/screenshots";

type Data<T> = { result: { data: T } };

/**
 * Issue #15, "incidents lead to the right runbook": an incident on demo-web suggests rollback,
 * whose service input takes demo-web, though rollback names no service; Start opens its form
 * inside the incident with demo-web chosen, and the form says which incident the run is part of.
 */
test("an incident on demo-web suggests rollback and starts it inside the incident with demo-web chosen", async ({
  page,
}) => {
  const declared = (
    await trpcCall(
      page.request,
      "incidents.declare",
      { title: "demo-web answers 500", severity: "SEV2", services: ["demo-web"], tags: [] },
      "mutation",
    )
  ).body as Data<{
    incidentId: string;
    number: number;
  }>;
  const { incidentId, number } = declared.result.data;

  await page.goto(`/incidents/${incidentId}`);
  const suggestion = page.getByTestId("suggested-runbook").filter({ hasText: "Roll back a bad release" });
  await expect(suggestion).toContainText("its service input takes demo-web");
  await expect(page.getByText("No runbook names these services")).toHaveCount(0);
  await snap(page, "incident-suggestions");

  await suggestion.getByRole("link", { name: /^Start / }).click();
  await expect(page).toHaveURL(
    new RegExp(`/runbooks/rollback/start\\?incident=${incidentId}&input\\.service=demo-web$`),
  );
  await expect(page.getByTestId("start-inside-incident")).toContainText(`Incident ${number}: demo-web answers 500`);
  await expect(page.getByLabel("Service")).toHaveValue("demo-web");
  const partOf = page.getByLabel("Part of an incident (optional)");
  await expect(partOf).toHaveValue(incidentId);
  await expect(partOf.locator("option:checked")).toHaveText(`Incident ${number}: demo-web answers 500`);
  await snap(page, "start-inside-incident");
  await expect(page.getByText("Confirm that the current release of demo-web is the bad one")).toBeVisible();
  expect(await page.locator("body").innerText()).not.toContain("{{");
});

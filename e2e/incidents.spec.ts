import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { createIngestToken, createTeamAndService, expectHydrated, expectNoAxeViolations, postDeployment } from "./helpers";

test("the incident list shows open incidents first and filters by status", async ({ page }) => {
  await page.goto("/incidents");
  await expect(page.getByRole("heading", { level: 1, name: "Incidents" })).toBeVisible();
  const table = page.getByRole("table", { name: "Incidents, open first, newest first" });
  await expect(table).toBeVisible();
  await expectNoAxeViolations(page);

  await page.getByRole("combobox", { name: "Status" }).selectOption("resolved");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/status=resolved/);
  const rows = table.locator("tbody tr");
  await expect(rows.first()).toBeVisible();
  for (const row of (await rows.all()).slice(0, 10)) {
    await expect(row.getByText("Resolved", { exact: true })).toBeVisible();
    await expect(row.getByText(/^lasted /)).toBeVisible();
  }
});

test("an incident declared by hand is acknowledged, attributed to a deployment, said not to be caused by a change, resolved, and audited", async ({ page, request }) => {
  // A service of its own with two production deployments in the last hours, so that no other test's incident or
  // deployment changes what this one sees (and the seeded services' figures stay as other tests read them).
  const own = await createTeamAndService(request);
  const service = { slug: own.serviceSlug, name: own.serviceName };
  const token = await createIngestToken();
  const now = Date.now();
  for (const hoursAgo of [3, 1]) {
    await postDeployment(request, token, {
      service: service.slug,
      version: `e2e-${hoursAgo}h-${randomBytes(2).toString("hex")}`,
      startedAt: new Date(now - hoursAgo * 3_600_000 - 600_000),
      finishedAt: new Date(now - hoursAgo * 3_600_000),
    });
  }
  const title = `Checkout returns 502 (e2e ${randomBytes(3).toString("hex")})`;

  await page.goto("/incidents");
  await expectHydrated(page.getByRole("button", { name: "Declare an incident" }));
  await page.getByRole("button", { name: "Declare an incident" }).click();
  const form = page.getByRole("form", { name: "Declare an incident" });
  await form.getByLabel("What is happening").fill(title);
  await form.getByLabel("Service").selectOption(service.slug);
  await form.getByLabel("Severity").selectOption("SEV1");
  await expectNoAxeViolations(page);
  await form.getByRole("button", { name: "Declare" }).click();

  await expect(page).toHaveURL(/\/incidents\/\d+$/);
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(page.getByText("SEV1 · critical")).toBeVisible();
  await expect(page.getByText("Open", { exact: true })).toBeVisible();
  const timeline = page.getByRole("list", { name: "Timeline, oldest first" });
  await expect(timeline).toContainText(`Opened as SEV1: ${title}`);
  await expectNoAxeViolations(page);

  const entries = await timeline.locator("li").count();
  await expectHydrated(page.getByRole("button", { name: "Acknowledge" }));
  await page.getByRole("button", { name: "Acknowledge" }).click();
  await expect(page.getByRole("button", { name: "Acknowledge" })).toHaveCount(0);
  await expect(timeline.locator("li")).toHaveCount(entries + 1);
  await expect(timeline).toContainText("Acknowledged");

  // Attribute it to the service's latest deployment before it opened, by hand.
  const deployment = page.getByLabel("Attributed deployment");
  const candidate = deployment.locator("option").nth(2);
  const label = (await candidate.textContent())!;
  await deployment.selectOption({ label });
  await page.getByRole("button", { name: "Save" }).first().click();
  await expect(page.getByText("Linked by a person or the reporting tool.")).toBeVisible();
  await expect(page.getByText(`Attributed to deployment ${label.split(" · ")[0]}`)).toBeVisible();

  await page.getByLabel("Caused by a change?").selectOption("no");
  await page.getByRole("button", { name: "Save" }).nth(1).click();
  await expect(page.getByText("Cause: not caused by a change.")).toBeVisible();

  await page.getByRole("button", { name: "Resolve" }).click();
  await expect(page.getByText("Lasted")).toBeVisible();
  await expect(timeline).toContainText("Resolved");
  await expect(page.getByRole("button", { name: "Reopen" })).toBeVisible();
  await expectNoAxeViolations(page);

  const id = /\/incidents\/(\d+)$/.exec(page.url())![1]!;
  await page.goto(`/settings/audit?entityType=Incident&entityId=${id}`);
  await expect(page.getByRole("table", { name: "Audit events, newest first" })).toContainText("incident.");

  // The list shows it, resolved, attributed by hand.
  await page.goto(`/incidents?service=${service.slug}&status=resolved`);
  await expect(page.getByTestId(`incident-${id}`)).toContainText("linked by hand");
  await expect(page.getByTestId(`incident-${id}`)).toContainText("not caused by a change");
});

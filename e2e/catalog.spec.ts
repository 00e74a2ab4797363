import { expect, test } from "@playwright/test";
import { expectNoAxeViolations } from "./helpers";

test("the Teams list searches, and leads to a team and then to a service with its AWS mappings", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Teams", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Teams" })).toBeVisible();
  const table = page.getByRole("table", { name: "Teams" });
  await expect(table.getByRole("link", { name: "Checkout", exact: true })).toBeVisible();
  await expectNoAxeViolations(page);

  await page.getByRole("searchbox", { name: "Search teams" }).fill("payments");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/\/teams\?q=payments$/);
  const filtered = page.getByRole("table", { name: "Teams matching payments" });
  await expect(filtered.getByRole("row")).toHaveCount(2); // header + Payments
  await filtered.getByRole("link", { name: "Payments", exact: true }).click();

  await expect(page.getByRole("heading", { level: 1, name: "Payments" })).toBeVisible();
  await expect(page.getByRole("list", { name: "Members" }).getByRole("listitem")).toHaveCount(3);
  await expect(page.getByRole("list", { name: "Services" }).getByRole("listitem")).toHaveCount(5);
  await expectNoAxeViolations(page);

  await page.getByRole("link", { name: "Ledger", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Ledger" })).toBeVisible();
  const mappings = page.getByRole("table", { name: /AWS resources mapped/ });
  await expect(mappings).toContainText("arn:aws:codepipeline:");
  await expect(mappings).toContainText("AWS tag");
  await expect(page.getByRole("table", { name: /Latest production deployments of Ledger/ }).getByRole("row")).not.toHaveCount(1);
  await expectNoAxeViolations(page);
});

test("a search that matches nothing says so and offers the way back", async ({ page }) => {
  await page.goto("/teams?q=zzzz-no-team");
  await expect(page.getByText("No team matches “zzzz-no-team”")).toBeVisible();
  await page.getByRole("link", { name: "Show all teams" }).click();
  await expect(page.getByRole("table", { name: "Teams" })).toBeVisible();
});

test("an unknown team or service is a 404 page", async ({ page }) => {
  expect((await page.goto("/teams/no-such-team"))?.status()).toBe(404);
  expect((await page.goto("/services/no-such-service"))?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});

test("Settings lists the AWS accounts and the API tokens, never a token's secret", async ({ page }) => {
  await page.goto("/settings");
  await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
  const accounts = page.getByRole("table", { name: "AWS accounts" });
  await expect(accounts).toContainText("arn:aws:iam::222222222222:role/PortsideRead");
  await expectNoAxeViolations(page);
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "API tokens" }).click();
  const tokens = page.getByRole("table", { name: "API tokens" });
  await expect(tokens).toContainText("demo-ci");
  await expect(tokens).toContainText("Active");
  // Only the prefix of a 36-character secret is shown.
  await expect(tokens.getByText(/psk_[A-Za-z0-9_-]{20,}/)).toHaveCount(0);
  await expectNoAxeViolations(page);
});

test("the audit log shows who changed what, filters by action, and links from a token to its history", async ({ page }) => {
  await page.goto("/settings");
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("link", { name: "Audit log" })).toHaveAttribute("aria-current", "page");
  const table = page.getByRole("table", { name: "Audit events, newest first" });
  await expect(table).toContainText("seed.demo");
  await expectNoAxeViolations(page);

  await page.getByRole("combobox", { name: "Action" }).selectOption("seed.demo");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=seed\.demo/);
  await expect(table.getByRole("row")).toHaveCount(2);
  await table.getByText("Before / after").click();
  await expect(table).toContainText('"deployments"');
});

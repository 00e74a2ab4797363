import { expect, test } from "@playwright/test";
import { createIngestToken, expectNoAxeViolations } from "./helpers";

test.describe("home", () => {
  test("shows the demo organisation's teams, their services and the latest deployments", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1, name: "Home" })).toBeVisible();
    const teams = page.getByRole("list", { name: "Teams" });
    for (const name of ["Checkout", "Payments", "Catalog", "Search", "Identity", "Data", "Notifications", "Infrastructure"]) {
      await expect(teams.getByRole("heading", { name, exact: true })).toBeVisible();
    }
    await expect(page.getByRole("list", { name: "Checkout services" }).getByText("cart-api")).toBeVisible();
    const latest = page.getByRole("table", { name: "Latest production deployments" });
    await expect(latest.getByRole("row")).toHaveCount(13); // header + 12
    await expectNoAxeViolations(page);
  });

  test("a deployment posted through the API shows at the top of the latest deployments", async ({ page, request }) => {
    const token = await createIngestToken();
    const now = new Date();
    const response = await request.post("/api/deployments", {
      headers: { authorization: `Bearer ${token}` },
      data: {
        service: "ledger",
        environment: "production",
        status: "rolled_back",
        startedAt: new Date(now.getTime() - 5 * 60_000).toISOString(),
        finishedAt: new Date(now.getTime() - 60_000).toISOString(),
        source: "e2e",
        externalId: `e2e-${now.getTime()}`,
        commits: [{ sha: "feedfacecafebeef0000000000000000deadbeef" }],
      },
    });
    expect(response.status()).toBe(201);
    await page.goto("/");
    const firstRow = page.getByRole("table", { name: "Latest production deployments" }).getByRole("row").nth(1);
    await expect(firstRow).toContainText("Ledger");
    await expect(firstRow).toContainText("Rolled back");
    await expect(firstRow).toContainText("1 commit");
  });

  test("is usable in the dark theme, and the choice survives a reload", async ({ page }) => {
    await page.goto("/");
    const toggle = page.getByRole("button", { name: /theme/i });
    // system → light → dark
    await toggle.click();
    await toggle.click();
    await expect(page.locator("html")).toHaveClass(/dark/);
    await page.reload();
    await expect(page.locator("html")).toHaveClass(/dark/);
    await expectNoAxeViolations(page);
  });
});

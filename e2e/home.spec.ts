import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { createIngestToken, createTeamAndService, E2E_NAME, expectHydrated, expectNoAxeViolations, postDeployment } from "./helpers";

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
    const own = await createTeamAndService(request);
    const token = await createIngestToken();
    const now = Date.now();
    // Finished a second ago: newer than anything seeded, and than what other tests post a minute back.
    await postDeployment(request, token, {
      service: own.serviceSlug,
      status: "rolled_back",
      startedAt: new Date(now - 5 * 60_000),
      finishedAt: new Date(now - 1_000),
      commits: [{ sha: randomBytes(20).toString("hex") }],
    });
    await page.goto("/");
    const rows = page.getByRole("table", { name: "Latest production deployments" }).getByRole("row");
    const ours = rows.filter({ hasText: own.serviceName });
    await expect(ours).toContainText("Rolled back");
    await expect(ours).toContainText("1 commit");
    // Only deployments other tests posted since (to services of their own) may stand above it; none of the seeded ones.
    const texts = await rows.allTextContents();
    const at = texts.findIndex((text) => text.includes(own.serviceName));
    expect(at).toBeGreaterThanOrEqual(1);
    for (const text of texts.slice(1, at)) expect(text).toContain(`${E2E_NAME} service`);
  });

  test("is usable in the dark theme, and the choice survives a reload", async ({ page }) => {
    await page.goto("/");
    const toggle = page.getByRole("button", { name: /theme/i });
    await expectHydrated(toggle);
    // system → light → dark
    await toggle.click();
    await toggle.click();
    await expect(page.locator("html")).toHaveClass(/dark/);
    await page.reload();
    await expect(page.locator("html")).toHaveClass(/dark/);
    await expectNoAxeViolations(page);
  });
});

import { expect, test } from "@playwright/test";
import { expectNoAxeViolations } from "./helpers";

const AREAS = [["Environments", "Environments"]] as const;

test("every area not built yet is reachable from the navigation and says so plainly", async ({ page }) => {
  await page.goto("/");
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const [link, heading] of AREAS) {
    await nav.getByRole("link", { name: link, exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    await expect(nav.getByRole("link", { name: link, exact: true })).toHaveAttribute("aria-current", "page");
    await expect(page.getByText("Not built yet")).toBeVisible();
    await expectNoAxeViolations(page);
  }
});

// One test per colour scheme: three pages with an axe scan each is a test's worth on a loaded machine.
for (const scheme of ["light", "dark"] as const) {
  test(`the postmortem pages are reached from the navigation and pass axe in ${scheme}`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto("/");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Postmortems", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Postmortems" })).toBeVisible();
    await expectNoAxeViolations(page);
    for (const [link, heading] of [["Action items", "Action items"], ["Insights", "Postmortem insights"]] as const) {
      await page.goto("/postmortems");
      await page.getByRole("main").getByRole("link", { name: link, exact: true }).click();
      await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
      await expectNoAxeViolations(page);
    }
  });
}

test("the navigation works from the keyboard, starting with a skip link", async ({ page }) => {
  await page.goto("/");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await page.keyboard.press("Tab"); // logo
  await page.keyboard.press("Tab"); // Home
  await page.keyboard.press("Tab"); // Teams
  await expect(page.getByRole("link", { name: "Teams", exact: true })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/teams$/);
});

test("an unknown address gets a page that says so", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});

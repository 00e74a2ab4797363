import { expect, test } from "@playwright/test";
import { tokenLifecycle } from "./helpers";

// Runs against `next dev` with PORTSIDE_DEV_SIGN_IN=1 (playwright.config.ts): pages compile on first visit.
test.setTimeout(240_000);

test("dev sign-in: pick the demo admin, create a token, post a deployment, revoke it, see 401, read it all in the audit log", async ({ page, request }) => {
  await page.goto("/settings/tokens");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fsettings%2Ftokens$/, { timeout: 120_000 });
  const picker = page.getByRole("region", { name: "Dev sign-in" });
  await picker.getByRole("searchbox", { name: "Filter users" }).fill("admin");
  const admin = picker.getByRole("button", { name: /\(admin\)$/ }).first();
  await admin.click();
  await expect(page).toHaveURL(/\/settings\/tokens$/, { timeout: 120_000 });
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  await tokenLifecycle(page, request);
});

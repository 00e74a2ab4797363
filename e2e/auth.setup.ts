import { expect, test as setup } from "@playwright/test";
import { SSO_ADMIN_EMAIL, sql } from "./helpers";

/**
 * Single sign-on, as a person does it the first time: an admin was granted by
 * email before they ever signed in (`portside user grant`), they open a page,
 * land on the sign-in page, go through the identity provider and come back
 * signed in, to the page they asked for.
 */
setup("sign in through SSO as the admin", async ({ page }) => {
  await sql(
    `INSERT INTO "User" (email, name, "orgRole", "updatedAt") VALUES ($1, 'Sam Sso', 'ADMIN', now())
     ON CONFLICT (email) DO UPDATE SET "orgRole" = 'ADMIN'`,
    [SSO_ADMIN_EMAIL],
  );
  await page.goto("/teams");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fteams$/);
  await expect(page.getByRole("heading", { name: "Dev sign-in" })).toHaveCount(0);
  await page.getByRole("button", { name: "Sign in with Test IdP" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Teams" })).toBeVisible();
  await expect(page.getByText("Sam Sso")).toBeVisible();
  await page.context().storageState({ path: "e2e/.auth/admin.json" });
});

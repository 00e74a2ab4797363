import { expect, test } from "@playwright/test";
import { expectHydrated } from "./helpers";

test("pages carry a nonce-based CSP without unsafe-inline scripts, and nothing on them is blocked", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|CSP/i.test(message.text())) violations.push(message.text());
  });
  const response = await page.goto("/");
  const csp = response?.headers()["content-security-policy"] ?? "";
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(response?.headers()["x-frame-options"]).toBe("DENY");
  expect(response?.headers()["x-content-type-options"]).toBe("nosniff");
  expect(response?.headers()["strict-transport-security"]).toMatch(/max-age=\d+/);

  // The page hydrated: the theme toggle (a client component) works.
  const toggle = page.getByRole("button", { name: /theme/i });
  await expectHydrated(toggle);
  await toggle.click();
  await expect(page.getByRole("button", { name: /Light theme \(switch/ })).toBeVisible();
  // A new nonce for every request.
  const again = await page.goto("/");
  expect(again?.headers()["content-security-policy"]).not.toBe(csp);
  expect(violations).toEqual([]);
});

test("the API answers with the security headers too", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.headers()["x-content-type-options"]).toBe("nosniff");
  expect(response.headers()["x-frame-options"]).toBe("DENY");
});

import { spawn } from "node:child_process";
import { expect, test } from "@playwright/test";
import { expectNoAxeViolations, tokenLifecycle } from "./helpers";

test.describe("signed out", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("every page sends a signed-out visitor to the sign-in page, which offers SSO and nothing else in production", async ({ page, request, baseURL }) => {
    for (const path of ["/", "/teams/payments", "/settings/tokens"]) {
      await page.goto(path);
      await expect(page).toHaveURL(/\/sign-in/);
    }
    await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Sign in with Test IdP" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Dev sign-in" })).toHaveCount(0);
    await expectNoAxeViolations(page);
    // The dev sign-in endpoint does not exist in a production build.
    const dev = await request.post("/api/auth/sign-in/dev", { data: { email: "sso.admin@example.com" }, headers: { origin: new URL(baseURL!).origin } });
    expect(dev.status()).toBe(404);
  });

  test("a failed sign-in comes back with a message, not a blank page", async ({ page }) => {
    await page.goto("/sign-in?error=state_mismatch");
    await expect(page.getByRole("main").getByRole("alert")).toContainText("Try again");
  });

  test("the API says 401 in JSON, not a redirect", async ({ request }) => {
    const response = await request.post("/api/tokens", { data: { name: "x", scopes: ["read"] } });
    expect(response.status()).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: "UNAUTHORIZED" } });
  });
});

test("signed in through SSO: create a token, post a deployment with it, revoke it, see 401, read it all in the audit log", async ({ page, request }) => {
  await tokenLifecycle(page, request);
});

test("signing out ends the session", async ({ browser }) => {
  // A session of its own, so that the shared one stays signed in.
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto("/");
  await page.getByRole("button", { name: "Sign in with Test IdP" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Home" })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto("/settings");
  await expect(page).toHaveURL(/\/sign-in/);
  await context.close();
});

test("a production server with the dev sign-in turned on refuses to start", async ({ baseURL }) => {
  // A port of this run's own (the portal's + 2), free should it start after all, whatever else runs on the machine.
  const port = String(Number(new URL(baseURL!).port) + 2);
  const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", port, "-H", "127.0.0.1"], {
    env: { ...process.env, NODE_ENV: "production", PORTSIDE_DEV_SIGN_IN: "1", PORTSIDE_AUTH_SECRET: "e2e-only-secret-that-is-long-enough-0123456789" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve(null);
    }, 45_000);
    child.on("exit", (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  expect(output).toContain("refusing to start");
  expect(output).toContain("PORTSIDE_DEV_SIGN_IN");
  expect(code).toBe(1);
});

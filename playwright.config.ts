import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";

/**
 * End-to-end tests drive a real Chromium from the operating system (Debian's
 * `chromium` package), never a browser Playwright downloads. `npm run test:e2e`
 * starts the portal against a fresh, seeded database (scripts/with-db.ts).
 */
const candidates = [process.env.PLAYWRIGHT_CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].filter(
  (p): p is string => Boolean(p),
);
const executablePath = candidates.find((p) => existsSync(p));
if (!executablePath) {
  throw new Error(
    "No Chromium found for the end-to-end tests. Install one (Debian/Ubuntu: `sudo apt-get install chromium`; macOS: install Google Chrome) " +
      "or set PLAYWRIGHT_CHROMIUM_PATH to its executable.",
  );
}

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
// The dev sign-in exists only outside production, so its test runs against `next dev`.
const devPort = port + 1;
const devBaseURL = `http://127.0.0.1:${devPort}`;
const oidcPort = port + 99;
const E2E_OIDC_ISSUER = `http://127.0.0.1:${oidcPort}`;

export default defineConfig({
  testDir: "e2e",
  forbidOnly: Boolean(process.env.CI),
  // No retries, in CI either: a test that passes only on its second try is a flake to fix, not to hide.
  retries: 0,
  workers: 2,
  // Budgets sized for a loaded 2-core machine: upper bounds on waiting, never waits by time. With eight builds and
  // suites sharing 2 cores (load average 40), a dashboard took 20 s to load and an axe scan of the pipelines board 80 s.
  timeout: 300_000,
  expect: { timeout: 30_000 },
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    },
  },
  projects: [
    // Signs in once through SSO (against the test identity provider) and keeps the session for the rest.
    { name: "setup", testMatch: /auth\.setup\.ts/, use: { ...devices["Desktop Chrome"] } },
    {
      name: "chromium",
      dependencies: ["setup"],
      testIgnore: [/dev-sign-in\.spec\.ts/],
      use: { ...devices["Desktop Chrome"], storageState: "e2e/.auth/admin.json" },
    },
    {
      // After the rest, so that compiling pages on demand does not slow the other tests down; compiling is also why it waits longer.
      name: "dev-server",
      dependencies: ["chromium"],
      testMatch: /dev-sign-in\.spec\.ts/,
      expect: { timeout: 60_000 },
      use: { ...devices["Desktop Chrome"], baseURL: devBaseURL },
    },
  ],
  // Started one after the other, in this order.
  webServer: [
    {
      // A real OpenID Connect provider (oauth2-mock-server) for single sign-on.
      command: `node node_modules/tsx/dist/cli.mjs e2e/oidc-provider.ts ${oidcPort}`,
      url: `${E2E_OIDC_ISSUER}/.well-known/openid-configuration`,
      timeout: 30_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      // A production build, served by Next's server as `npm start` serves it;
      // started through node so that stopping it stops the server.
      command: `node node_modules/next/dist/bin/next build && node node_modules/next/dist/bin/next start -p ${port} -H 127.0.0.1`,
      url: `${baseURL}/api/ready`,
      // The build is most of it: about 3 min on 2 idle cores, far more on a busy machine.
      timeout: 900_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
      env: {
        // AWS, mocked at the client inside the server (approvals); no scheduled collectors (the demo accounts are not real).
        NODE_OPTIONS: "--import ./e2e/aws-mock.mjs",
        PORTSIDE_COLLECTORS: "off",
        PORTSIDE_BASE_URL: baseURL,
        PORTSIDE_AUTH_SECRET: "e2e-only-secret-that-is-long-enough-0123456789",
        PORTSIDE_OIDC_ISSUER: E2E_OIDC_ISSUER,
        PORTSIDE_OIDC_CLIENT_ID: "portside-test",
        PORTSIDE_OIDC_CLIENT_SECRET: "portside-test-secret",
        PORTSIDE_OIDC_NAME: "Test IdP",
      },
    },
    {
      // Development mode with the dev sign-in (after the build above: it writes .next/dev).
      command: `node node_modules/next/dist/bin/next dev -p ${devPort} -H 127.0.0.1`,
      url: `${devBaseURL}/api/health`,
      timeout: 600_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
      env: { PORTSIDE_DEV_SIGN_IN: "1", PORTSIDE_BASE_URL: devBaseURL, PORTSIDE_COLLECTORS: "off" },
    },
  ],
});

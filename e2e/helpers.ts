import { randomBytes } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import { expect, type APIRequestContext, type Page } from "@playwright/test";
import pg from "pg";
import { generateToken } from "../lib/auth/tokens";

/** Fails with the list of WCAG A/AA violations axe finds on the page as it is now. */
export async function expectNoAxeViolations(page: Page) {
  // The title comes with the streamed metadata, after a client-side navigation a moment after the content.
  await expect(page).toHaveTitle(/\S/);
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")})`);
  expect(summary).toEqual([]);
}

/** A fresh ingest token written straight into the test database (the token UI comes with the catalog work). */
export async function createIngestToken(): Promise<string> {
  const { token, hash, prefix } = generateToken();
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  await client.query(`INSERT INTO "ApiToken" (name, "tokenHash", prefix, scopes) VALUES ($1, $2, $3, '{ingest}')`, [
    `e2e-${randomBytes(3).toString("hex")}`,
    hash,
    prefix,
  ]);
  await client.end();
  return token;
}

/** Runs one SQL statement against the test database (for setting up what the UI cannot). */
export async function sql<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** The identity the test identity provider signs in (e2e/oidc-provider.ts). */
export const SSO_ADMIN_EMAIL = "sso.admin@example.com";

/**
 * What the sign-in issue's end-to-end check asks for, from whatever sign-in
 * the caller used (SSO or the dev sign-in): create a token in the UI, post a
 * deployment with it, revoke it, see the next post refused, and find all of
 * it in the audit log.
 */
export async function tokenLifecycle(page: Page, request: APIRequestContext, serviceSlug = "ledger") {
  const name = `e2e-${randomBytes(3).toString("hex")}`;
  await page.goto("/settings/tokens");
  await expect(page.getByRole("link", { name: "API tokens" })).toHaveAttribute("aria-current", "page");
  const form = page.getByRole("form", { name: "Create an API token" });
  await form.getByLabel("Name").fill(name);
  await form.getByRole("button", { name: "Create token" }).click();
  const shown = page.getByTestId("new-token");
  await expect(shown).toHaveText(/^psk_/);
  const token = (await shown.textContent())!.trim();
  const row = page.getByRole("table", { name: "API tokens" }).getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("Active");
  // The secret is on screen this once only: the list shows its prefix.
  await expect(row).not.toContainText(token);
  await expectNoAxeViolations(page);

  const deployment = () => ({
    service: serviceSlug,
    environment: "production",
    status: "succeeded",
    source: "e2e",
    externalId: `${name}-${randomBytes(3).toString("hex")}`,
    startedAt: new Date(Date.now() - 120_000).toISOString(),
    finishedAt: new Date(Date.now() - 60_000).toISOString(),
  });
  const posted = await request.post("/api/deployments", { data: deployment(), headers: { authorization: `Bearer ${token}` } });
  expect(posted.status()).toBe(201);

  await page.getByRole("button", { name: "Done" }).click();
  await row.getByRole("button", { name: "Revoke" }).click();
  await row.getByRole("button", { name: `Revoke “${name}”` }).click();
  await expect(row).toContainText("Revoked");

  const refused = await request.post("/api/deployments", { data: deployment(), headers: { authorization: `Bearer ${token}` } });
  expect(refused.status()).toBe(401);

  await row.getByRole("link", { name: "History" }).click();
  await expect(page).toHaveURL(/\/settings\/audit\?entityType=ApiToken&entityId=\d+/);
  const events = page.getByRole("table", { name: "Audit events, newest first" });
  await expect(events).toContainText("token.revoke");
  await expect(events).toContainText("token.create");
  // The deployment it posted is in the log too, with the token as the actor.
  await page.goto("/settings/audit?action=deployments.ingest");
  await expect(page.getByRole("table", { name: "Audit events, newest first" }).getByRole("row").filter({ hasText: name }).first()).toBeVisible();
}

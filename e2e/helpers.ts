import { randomBytes } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";
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

/**
 * Waits until React has hydrated the element, so that a click or a change reaches its handler: before that, a
 * server-rendered button or select takes the input and nothing comes of it, and on a loaded machine hydration
 * takes seconds after the page shows. React keeps an element's props, its handlers, under "__reactProps$…" once
 * it has hydrated it.
 */
export async function expectHydrated(locator: Locator): Promise<void> {
  await expect.poll(() => locator.evaluate((element) => Object.keys(element).some((key) => key.startsWith("__reactProps$")))).toBe(true);
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

/**
 * Names of what a test makes for itself start with this, so that a check of the
 * organisation-wide lists can tell other tests' rows from the seeded ones.
 */
export const E2E_NAME = "E2E";

/** A slug no other test (or earlier run against the same database) uses. */
export function uniqueSlug(prefix: string): string {
  return `e2e-${prefix}-${randomBytes(4).toString("hex")}`;
}

/** The API answers a cookie-authenticated change only from the portal's own origin (CSRF). */
export function originHeader(): Record<string, string> {
  return { origin: new URL(test.info().project.use.baseURL!).origin };
}

export interface TOwnService {
  teamSlug: string;
  teamName: string;
  serviceSlug: string;
  serviceName: string;
}

/**
 * A team of the test's own (top level, so its figures are no other team's)
 * with one service, imported through the catalog API as whoever `request` is
 * signed in as (an admin): a test that writes, or reads what it wrote, works
 * on these and never on the seeded organisation that other tests read at the
 * same time. `annotations` are the component's (AWS mappings, production stage).
 */
export async function createTeamAndService(request: APIRequestContext, annotations: Record<string, string> = {}): Promise<TOwnService> {
  const id = randomBytes(4).toString("hex");
  const own = { teamSlug: `e2e-team-${id}`, teamName: `${E2E_NAME} team ${id}`, serviceSlug: `e2e-svc-${id}`, serviceName: `${E2E_NAME} service ${id}` };
  const annotationLines = Object.entries(annotations).map(([key, value]) => `    ${key}: ${JSON.stringify(value)}\n`).join("");
  const yaml =
    `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${own.teamSlug}\nspec:\n  type: team\n  profile:\n    displayName: ${own.teamName}\n  children: []\n` +
    `---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${own.serviceSlug}\n  title: ${own.serviceName}\n` +
    (annotationLines ? `  annotations:\n${annotationLines}` : "") +
    `spec:\n  type: service\n  lifecycle: production\n  owner: ${own.teamSlug}\n`;
  const response = await request.post("/api/catalog/import", {
    data: yaml,
    headers: { ...originHeader(), "content-type": "application/yaml", "x-catalog-source": `e2e:${own.teamSlug}` },
  });
  expect(response.status(), await response.text()).toBe(200);
  return own;
}

/** A registered AWS account whose clients the e2e server mocks (no role to assume), and one of its regions. */
export async function mockedAwsAccount(): Promise<{ accountId: string; region: string }> {
  const [account] = await sql<{ accountId: string; region: string }>(
    `SELECT "accountId", regions[1] AS region FROM "AwsAccount" WHERE "roleArn" IS NULL ORDER BY id LIMIT 1`,
  );
  return account!;
}

/** Posts one production deployment of `service` with an ingest token; the answer must be 201. */
export async function postDeployment(
  request: APIRequestContext,
  token: string,
  deployment: { service: string; status?: string; startedAt: Date; finishedAt: Date; version?: string; commits?: { sha: string; committedAt?: string }[] },
): Promise<void> {
  const response = await request.post("/api/deployments", {
    headers: { authorization: `Bearer ${token}` },
    data: {
      environment: "production",
      status: "succeeded",
      source: "e2e",
      externalId: uniqueSlug("deploy"),
      ...deployment,
      startedAt: deployment.startedAt.toISOString(),
      finishedAt: deployment.finishedAt.toISOString(),
    },
  });
  expect(response.status(), await response.text()).toBe(201);
}

/** The identity the test identity provider signs in (e2e/oidc-provider.ts). */
export const SSO_ADMIN_EMAIL = "sso.admin@example.com";

/**
 * What the sign-in issue's end-to-end check asks for, from whatever sign-in
 * the caller used (SSO or the dev sign-in): create a token in the UI, post a
 * deployment with it, revoke it, see the next post refused, and find all of
 * it in the audit log.
 */
export async function tokenLifecycle(page: Page, request: APIRequestContext) {
  const name = `e2e-${randomBytes(3).toString("hex")}`;
  // The deployments go to a service of the test's own; page.request carries the session of whichever sign-in the caller used.
  const { serviceSlug } = await createTeamAndService(page.request);
  await page.goto("/settings/tokens");
  await expect(page.getByRole("link", { name: "API tokens" })).toHaveAttribute("aria-current", "page");
  const form = page.getByRole("form", { name: "Create an API token" });
  await expectHydrated(form.getByRole("button", { name: "Create token" }));
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

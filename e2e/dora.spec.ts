import { createHmac, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { createIngestToken, createTeamAndService, expectHydrated, expectNoAxeViolations, postDeployment, sql } from "./helpers";

const METRICS = ["Deployment frequency", "Change lead time", "Change fail rate", "Failed deployment recovery time", "Deployment rework rate"] as const;
const BANDED = METRICS.slice(0, 4);

/**
 * Production deployments that finished in the last `days` UTC days (today
 * included) for a team (with the teams nested under it) or one service: what
 * the dashboards count, straight from the rows.
 */
async function deploymentsIn(days: number, scope: { team: string } | { service: string }): Promise<number> {
  const where = "team" in scope ? `(t.slug = $2 OR p.slug = $2)` : `s.slug = $2`;
  const [row] = await sql<{ n: number }>(
    `SELECT count(*)::int AS n FROM "Deployment" d
     JOIN "Service" s ON s.id = d."serviceId" JOIN "Team" t ON t.id = s."teamId" LEFT JOIN "Team" p ON p.id = t."parentId"
     WHERE d.environment = 'production' AND d."finishedAt" IS NOT NULL
       AND d."finishedAt" >= ((now() AT TIME ZONE 'UTC')::date - ($1::int - 1))
       AND ${where}`,
    [days, "team" in scope ? scope.team : scope.service],
  );
  return row!.n;
}

const count = (n: number) => n.toLocaleString("en");
const tile = (page: Page, metric: (typeof METRICS)[number]) => page.getByRole("article", { name: metric, exact: true });

async function downloadedText(page: Page, button: Locator): Promise<{ name: string; text: string }> {
  const downloading = page.waitForEvent("download");
  await button.click();
  const download = await downloading;
  return { name: download.suggestedFilename(), text: await readFile((await download.path())!, "utf8") };
}

test.describe("DORA dashboards", () => {
  test("the team dashboard shows the five figures with bands and sample sizes from the seeded deployments", async ({ page }) => {
    const expected = await deploymentsIn(90, { team: "checkout" });
    expect(expected).toBeGreaterThan(10);
    await page.goto("/teams/checkout");
    await expect(page.getByRole("heading", { level: 2, name: "Delivery performance" })).toBeVisible();
    for (const metric of METRICS) await expect(tile(page, metric)).toBeVisible();
    await expect(tile(page, "Deployment frequency")).toContainText(`from ${count(expected)} deployments`);
    await expect(tile(page, "Change fail rate")).toContainText(`from ${count(expected)} deployments`);
    for (const metric of BANDED) {
      await expect(tile(page, metric).getByText(/^(Elite|High|Medium|Low|Too few for a band)$/)).toBeVisible();
      await expect(tile(page, metric)).toContainText("DORA 2024");
      await expect(tile(page, metric)).toContainText(/vs previous 90 days/);
    }
    // Checkout is the demo's elite team: it ships on most days.
    await expect(tile(page, "Deployment frequency").getByText("Elite", { exact: true })).toBeVisible();
    // Rework has no published bands, and says so rather than showing none silently.
    await expect(tile(page, "Deployment rework rate").getByText("No published bands")).toBeVisible();
    await expect(page.getByRole("link", { name: "How these are computed" })).toHaveAttribute("href", "/dora/method");
    await expectNoAxeViolations(page);
  });

  test("the window, service and band filters live in the URL and change the figures", async ({ page }) => {
    await page.goto("/teams/checkout");
    const filters = page.getByRole("form", { name: "Filter delivery performance" });
    await expectHydrated(filters.getByRole("combobox", { name: "Window" }));

    await filters.getByRole("combobox", { name: "Window" }).selectOption("30");
    await expect(page).toHaveURL(/\/teams\/checkout\?window=30$/);
    const teamIn30 = await deploymentsIn(30, { team: "checkout" });
    await expect(tile(page, "Deployment frequency")).toContainText(`from ${count(teamIn30)} deployments`);
    await expect(tile(page, "Deployment frequency")).toContainText("vs previous 30 days");

    await filters.getByRole("combobox", { name: "Service" }).selectOption("cart-api");
    await expect(page).toHaveURL(/service=cart-api/);
    await expect(page).toHaveURL(/window=30/);
    const serviceIn30 = await deploymentsIn(30, { service: "cart-api" });
    expect(serviceIn30).toBeLessThan(teamIn30);
    await expect(tile(page, "Deployment frequency")).toContainText(`from ${count(serviceIn30)} deployments`);
    await expect(filters.getByRole("combobox", { name: "Service" })).toHaveValue("cart-api");

    await filters.getByRole("combobox", { name: "Band table" }).selectOption("2023");
    await expect(page).toHaveURL(/bands=2023/);
    await expect(tile(page, "Change lead time")).toContainText("DORA 2023");

    // The organisation-wide page takes the same filters, a team too (no test writes to the seeded teams).
    await page.goto("/dora?team=payments&window=7");
    await expect(page.getByRole("form", { name: "Filter DORA metrics" }).getByRole("combobox", { name: "Team" })).toHaveValue("payments");
    await expect(tile(page, "Deployment frequency")).toContainText(`from ${count(await deploymentsIn(7, { team: "payments" }))} deployment`);
    await expectNoAxeViolations(page);
  });

  test("the deployments behind a figure open one page at a time, and download as CSV with the figures", async ({ page }) => {
    const expected = await deploymentsIn(90, { team: "checkout" });
    expect(expected).toBeGreaterThan(50);
    await page.goto("/teams/checkout");
    await tile(page, "Deployment frequency").getByRole("link", { name: /^See the .* deployments behind deployment frequency$/ }).click();
    await expect(page).toHaveURL(/rows=deploymentFrequency/);
    const rows = page.getByRole("region", { name: "Rows behind deployment frequency" });
    await expect(rows).toContainText(`${count(expected)} deployments`);
    const table = rows.getByRole("table", { name: /Deployments behind deployment frequency, page 1 of \d+/ });
    await expect(table.getByRole("row")).toHaveCount(51); // header + 50
    await expect(table.getByRole("link", { name: /^[A-Z]/ }).first()).toHaveAttribute("href", /^\/services\//);
    await expectHydrated(rows.getByRole("button", { name: "Next page" }));
    await rows.getByRole("button", { name: "Next page" }).click();
    await expect(rows.getByRole("table", { name: /page 2 of/ })).toBeVisible();
    await expectNoAxeViolations(page);

    const rowsCsv = await downloadedText(page, rows.getByRole("button", { name: "Download rows (CSV)" }));
    expect(rowsCsv.name).toMatch(/^dora-checkout-.*-deploymentFrequency-rows\.csv$/);
    const lines = rowsCsv.text.trimEnd().split("\r\n");
    expect(lines[0]).toBe("deployment_id,service,team,status,version,started_at,finished_at,is_failure,is_rework,lead_times_seconds,unknown_commits,recovery_seconds,is_unrecovered,incident_ids,url");
    expect(lines).toHaveLength(expected + 1);

    const figures = await downloadedText(page, page.getByRole("button", { name: "Download figures (CSV)" }));
    const figureLines = figures.text.trimEnd().split("\r\n");
    expect(figureLines[0]).toBe("scope,scope_slug,metric,value,unit,shown_as,p90,sample_size,low_sample,band,band_year,previous_value,change,window_from,window_to,environment");
    expect(figureLines.slice(1).map((l) => l.split(",")[2])).toEqual(["deploymentFrequency", "leadTime", "changeFailRate", "recoveryTime", "reworkRate"]);
    expect(figureLines[1]).toContain(`,${expected},`);

    await rows.getByRole("link", { name: "Close the rows" }).click();
    await expect(page).not.toHaveURL(/rows=/);
    await expect(page.getByRole("region", { name: "Rows behind deployment frequency" })).toHaveCount(0);
  });

  test("a deployment posted through the API shows in its team's figures", async ({ page, request }) => {
    const own = await createTeamAndService(request);
    await page.goto(`/teams/${own.teamSlug}?window=7`);
    const frequency = tile(page, "Deployment frequency");
    // A team with no deployment yet has no figure: "No data", never 0.
    await expect(frequency).toContainText("No data");

    const token = await createIngestToken();
    const now = Date.now();
    await postDeployment(request, token, {
      service: own.serviceSlug,
      startedAt: new Date(now - 10 * 60_000),
      finishedAt: new Date(now - 60_000),
      commits: [{ sha: randomBytes(20).toString("hex"), committedAt: new Date(now - 3 * 3600_000).toISOString() }],
    });

    await page.reload();
    await expect(frequency).toContainText("from 1 deployment");
    await frequency.getByRole("link", { name: /^See the/ }).click();
    const rows = page.getByRole("region", { name: "Rows behind deployment frequency" });
    await expect(rows.getByRole("row").nth(1)).toContainText(own.serviceName);
  });

  test("the executive dashboard lists every team, sorts by a column and drills into a team", async ({ page }) => {
    const table = page.getByRole("table", { name: /Every team's DORA figures/ });
    const rowHeaders = table.locator("tbody").getByRole("rowheader");
    const teamNames = async () => (await sql<{ name: string }>(`SELECT name FROM "Team" ORDER BY name`)).map((t) => t.name);
    const asRows = (names: string[]) => names.map((name) => new RegExp(`^${name}`));
    // Every team, the ones other tests make for themselves meanwhile included: the page is read again until it
    // shows the teams the database holds as it is read.
    await expect(async () => {
      const names = await teamNames();
      await page.goto("/exec");
      await expect(page.getByRole("heading", { level: 1, name: "Executive dashboard" })).toBeVisible();
      await expect(rowHeaders).toHaveText(asRows(names), { timeout: 5_000 });
    }).toPass({ timeout: 60_000 });
    // The organisation's figures sit under the teams', never alone.
    await expect(table.locator("tfoot").getByRole("rowheader")).toContainText("Organisation");
    await expect(page.getByRole("list", { name: "Deployment frequency: teams per band" })).toBeVisible();
    await expect(page.getByRole("list", { name: "Improved most" }).or(page.getByText("No team improved a figure with enough samples."))).toBeVisible();
    await expectNoAxeViolations(page);

    // Team, Z to A.
    await table.getByRole("link", { name: /^Team/ }).click();
    await expect(page).toHaveURL(/sort=team&dir=desc/);
    await expect(table.getByRole("columnheader", { name: /^Team/ })).toHaveAttribute("aria-sort", "descending");
    await expect(async () => {
      const names = await teamNames();
      await page.reload();
      await expect(rowHeaders).toHaveText(asRows(names.reverse()), { timeout: 5_000 });
    }).toPass({ timeout: 60_000 });

    // Frequency, best first: the team (or group) with the most deployments in the window leads.
    const [most] = await sql<{ name: string }>(
      `SELECT t.name FROM "Team" t
       JOIN "Service" s ON s."teamId" = t.id OR s."teamId" IN (SELECT id FROM "Team" c WHERE c."parentId" = t.id)
       JOIN "Deployment" d ON d."serviceId" = s.id AND d.environment = 'production' AND d."finishedAt" >= ((now() AT TIME ZONE 'UTC')::date - 89)
       GROUP BY t.id, t.name ORDER BY count(*) DESC, t.name LIMIT 1`,
    );
    await table.getByRole("link", { name: /^Frequency/ }).click();
    await expect(page).toHaveURL(/sort=deploymentFrequency&dir=asc/);
    await expect(table.getByRole("columnheader", { name: /^Frequency/ })).toHaveAttribute("aria-sort", "ascending");
    await expect(rowHeaders.first()).toHaveText(new RegExp(`^${most!.name}`));

    await table.getByRole("link", { name: "Payments", exact: true }).click();
    await expect(page).toHaveURL(/\/teams\/payments$/);
    await expect(page.getByRole("heading", { level: 1, name: "Payments" })).toBeVisible();
    await expect(tile(page, "Deployment frequency")).toBeVisible();
  });

  test("the rules behind the figures are one click away, rendered from docs/metrics.md", async ({ page }) => {
    await page.goto("/dora");
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "DORA", exact: true })).toHaveAttribute("aria-current", "page");
    await page.getByRole("link", { name: "How these are computed" }).click();
    await expect(page).toHaveURL(/\/dora\/method$/);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page.getByRole("heading", { name: /lead time/i }).first()).toBeVisible();
    await expectNoAxeViolations(page);
  });

  test("an executive lands on the executive dashboard", async ({ browser, baseURL }) => {
    // A session for the demo organisation's executive, signed as better-auth signs its cookie with the e2e server's secret (playwright.config.ts),
    // in a cookie like the admin's from the setup project.
    const [executive] = await sql<{ id: number }>(`SELECT id FROM "User" WHERE "orgRole" = 'EXECUTIVE' ORDER BY id LIMIT 1`);
    const token = randomBytes(24).toString("base64url");
    await sql(`INSERT INTO "Session" (token, "userId", "expiresAt", "createdAt", "updatedAt") VALUES ($1, $2, now() + interval '1 hour', now(), now())`, [token, executive!.id]);
    const signature = createHmac("sha256", "e2e-only-secret-that-is-long-enough-0123456789").update(token).digest("base64");
    const admin = JSON.parse(await readFile("e2e/.auth/admin.json", "utf8")) as { cookies: { name: string; domain: string; path: string; secure: boolean; httpOnly: boolean; sameSite: "Lax" | "Strict" | "None" }[] };
    const session = admin.cookies.find((c) => c.name.endsWith("session_token"))!;
    const context = await browser.newContext({ baseURL });
    await context.addCookies([{ ...session, value: encodeURIComponent(`${token}.${signature}`), expires: -1 }]);
    const page = await context.newPage();
    await page.goto("/");
    await expect(page).toHaveURL(/\/exec$/);
    await expect(page.getByRole("heading", { level: 1, name: "Executive dashboard" })).toBeVisible();
    await context.close();
  });
});

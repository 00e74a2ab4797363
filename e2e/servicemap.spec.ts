import { expect, test } from "@playwright/test";
import { expectNoAxeViolations, sql } from "./helpers";

test("the service map shows the demo organisation's graph, filters by team, and opens a node's panel and a trace", async ({ page }) => {
  // A large client-side page (layout in the browser), scanned twice; then a trace page.
  test.setTimeout(120_000);
  await page.goto("/service-map?window=24h");
  await expect(page.getByRole("heading", { level: 1, name: "Service map" })).toBeVisible();
  const map = page.getByTestId("service-map");
  await expect(map).toHaveAttribute("data-ready", "true", { timeout: 30_000 });
  // 51 nodes: the map starts collapsed by team, clients and data stores apart.
  await expect(page.getByTestId("map-node-clients")).toBeVisible();
  await expect(page.getByTestId("map-node-Checkout")).toBeVisible();
  await expect(page.getByTestId("map-node-cart-api")).toHaveCount(0);
  await expect(page.getByRole("list", { name: "Legend" }).getByText("Faults")).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Expand all" }).click();
  await expect(page).toHaveURL(/expand=all/);
  await expect(page.getByTestId("map-node-cart-api")).toBeVisible();
  const everyone = Number((await map.getAttribute("aria-label"))!.match(/(\d+) nodes/)![1]);

  // The team filter keeps Checkout's services (and, dimmed, what they call or are called by).
  await page.getByRole("combobox", { name: "Team" }).selectOption("checkout");
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/team=checkout/);
  await expect(map).toHaveAttribute("data-ready", "true", { timeout: 30_000 });
  await expect(page.getByTestId("map-node-cart-api")).toBeVisible();
  const checkout = Number((await map.getAttribute("aria-label"))!.match(/(\d+) nodes/)![1]);
  expect(checkout).toBeLessThan(everyone);
  const [row] = await sql<{ n: number }>(
    `SELECT count(*)::int AS n FROM "ServiceGraphNode" g JOIN "Service" s ON s.id = g."serviceId" JOIN "Team" t ON t.id = s."teamId" WHERE t.slug = 'checkout'`,
  );
  expect(checkout).toBeGreaterThanOrEqual(row!.n);

  // A node opens its panel; the URL keeps it, so the view can be shared.
  await page.getByTestId("map-node-cart-api").click();
  const panel = page.getByTestId("node-panel");
  await expect(panel.getByRole("heading", { name: "cart-api" })).toBeVisible();
  await expect(page).toHaveURL(/node=\d+/);
  await expect(panel.getByRole("heading", { name: "Recent deployments" })).toBeVisible();
  await expect(panel.getByRole("heading", { name: "Failing and slow traces" })).toBeVisible();
  await expectNoAxeViolations(page);

  // A trace opens as a waterfall (segments from BatchGetTraces, mocked at the client in e2e/aws-mock.mjs).
  await panel.getByRole("link", { name: /\/cart-api\// }).first().click();
  await expect(page).toHaveURL(/\/service-map\/traces\/1-/);
  const spans = page.getByTestId("trace-span");
  await expect(spans).toHaveCount(3);
  await expect(spans.first().getByRole("link", { name: "edge-proxy" })).toBeVisible();
  await expect(page.getByText("upstream connect error")).toBeVisible();
  await expectNoAxeViolations(page);
});

test("a trace in an account with CloudWatch Transaction Search says where its segments are instead of showing nothing", async ({ page }) => {
  const traceId = `1-${Math.floor(Date.now() / 1000).toString(16)}-${"f".repeat(24)}`;
  await sql(
    `INSERT INTO "TraceSummary" ("awsAccountId", region, "traceId", "startedAt", "durationMs", "hasFault", "httpMethod", "httpUrl", "httpStatus", reason)
     SELECT id, regions[1], $1, now() AT TIME ZONE 'UTC', 840, true, 'GET', 'https://api.example.com/cart/items', 502, 'fault' FROM "AwsAccount" ORDER BY id LIMIT 1
     ON CONFLICT DO NOTHING`,
    [traceId],
  );
  await page.goto(`/service-map/traces/${traceId}`);
  await expect(page.getByText("This account sends its traces to CloudWatch Transaction Search")).toBeVisible();
  await expect(page.getByTestId("trace-span")).toHaveCount(0);
  await expectNoAxeViolations(page);
});

import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { expectNoAxeViolations, sql } from "./helpers";

test("the service map shows the demo organisation's graph, filters by team, and opens a node's panel and a trace", async ({ page }) => {
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

test("before and after a deployment, the maps mark the node whose failure rate rose and say by how much; the table keeps the detail", async ({ page }) => {
  // The demo organisation has a few services in trouble over its last three hours (5-minute buckets from
  // 175 minutes before the newest one): a staging deployment of the one failing most, made up to finish just as
  // that began, compares an hour of normal traffic with an hour of failures. Staging: DORA counts production only.
  const externalId = `e2e-compare-${randomUUID().slice(0, 8)}`;
  const [made] = await sql<{ id: number; node: string }>(
    `WITH newest AS (SELECT max("bucketStart") AS t FROM "ServiceGraphNodeBucket" WHERE "bucketSeconds" = 300),
     worst AS (
       SELECT g."serviceId", g.name, (SELECT t FROM newest) - interval '175 minutes' AS began
       FROM "ServiceGraphNodeBucket" b JOIN "ServiceGraphNode" g ON g.id = b."nodeId"
       WHERE g."serviceId" IS NOT NULL AND b."bucketSeconds" = 300 AND b."bucketStart" >= (SELECT t FROM newest) - interval '175 minutes'
       GROUP BY g."serviceId", g.name
       ORDER BY sum(b.errors + b.faults + b.throttles)::float8 / greatest(sum(b.requests), 1) DESC LIMIT 1
     ), inserted AS (
       INSERT INTO "Deployment" ("serviceId", environment, status, "startedAt", "finishedAt", version, source, "externalId", "updatedAt")
       SELECT "serviceId", 'staging', 'SUCCEEDED', began - interval '10 minutes', began, $1, 'e2e', $1, now() FROM worst
       RETURNING id
     )
     SELECT (SELECT id FROM inserted) AS id, (SELECT name FROM worst) AS node`,
    [externalId],
  );
  await page.goto(`/service-map/compare?deployment=${made!.id}&minutes=60`);
  await expect(page.getByRole("heading", { level: 1, name: /before and after/ })).toBeVisible();
  const after = page.getByTestId("compare-map-after");
  const before = page.getByTestId("compare-map-before");
  await expect(after).toHaveAttribute("data-ready", "true", { timeout: 30_000 });
  await expect(before).toHaveAttribute("data-ready", "true", { timeout: 30_000 });

  // On both maps, the service is marked, in words as well as colour, with the failure rate before and after.
  const marked = after.getByTestId(`map-node-${made!.node}`);
  await expect(marked).toHaveAttribute("data-change", "worse");
  await expect(marked).toContainText(/Worse: failures <?\d+(\.\d)?% → \d+(\.\d)?%/);
  await expect(before.getByTestId(`map-node-${made!.node}`)).toContainText(/Worse after: failures/);
  await expect(after).toHaveAttribute("aria-label", /[1-9]\d* marked as changed/);
  // Its neighbours are drawn too, and those that did not change carry no mark.
  expect(await after.locator("[data-testid^='map-node-']").count()).toBeGreaterThan(1);
  await expect(after.locator("[data-testid^='map-node-']:not([data-change])").first()).toBeVisible();

  // The table says the same for a screen reader.
  await expect(page.getByRole("row").filter({ hasText: made!.node }).first()).toContainText(/Worse: failure rate/);
  await expectNoAxeViolations(page);
});
